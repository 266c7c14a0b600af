/**
 * IdP metadata as both the admin import and the periodic refresh read it: one capped fetch
 * and one rule for the key pair that holds an IdP signing certificate.
 */
import { UpstreamError, ValidationError } from '../../errors/index.js';
import { boundedFetch, OutboundFetchError } from '../../net/outbound-fetch.js';
import { certificateBody } from '../../protocols/saml/index.js';
import { describeCertificate, parseCertificate } from '../../security/certificates.js';
import type { ServiceContext } from '../../services/context.js';
import type { Repositories } from '../../storage/ports.js';
import type { SamlSource } from '../kinds.js';

const METADATA_LIMITS = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024 };
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Unsigned metadata is trusted for its certificates, so it must come over TLS: plain http would
 * let anyone on the path add a signing key. Loopback is allowed for local IdPs and tests.
 */
function checkedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpstreamError('metadata URL is not a valid URL');
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url.toString();
  throw new UpstreamError(`metadata URL ${url.origin} must use https`);
}

/** The metadata document at `url`; failures are UpstreamErrors that never quote the upstream body. */
export async function fetchIdpMetadata(ctx: ServiceContext, url: string): Promise<string> {
  let res;
  try {
    res = await boundedFetch(
      ctx.fetch,
      checkedUrl(url),
      { method: 'GET', headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } },
      METADATA_LIMITS,
    );
  } catch (e) {
    if (e instanceof OutboundFetchError) throw new UpstreamError(`metadata URL could not be fetched: ${e.message}`);
    throw e;
  }
  // Status only: an upstream body is never quoted back (it may be anything the URL points at).
  if (!res.ok) throw new UpstreamError(`HTTP ${res.status}`);
  return res.text;
}

function fingerprintOf(pem: string): string | null {
  const cert = parseCertificate(pem);
  return cert ? describeCertificate(cert).fingerprintSha256.replace(/:/g, '') : null;
}

/** One name per (source, certificate), so instances refreshing together converge on one key pair. */
function idpKeypairName(source: Pick<SamlSource, 'slug'>, fingerprint: string): string {
  return `SAML ${source.slug}: IdP signing certificate ${fingerprint.slice(0, 16)}`;
}

/**
 * The key pair holding exactly this certificate: one already named for it, else the one a
 * source already verifies with (so re-importing the same metadata adds nothing), else a new
 * certificate-only key pair.
 */
export async function keypairForIdpCertificate(repos: Repositories, source: SamlSource, pem: string): Promise<string> {
  const fingerprint = fingerprintOf(pem);
  if (!fingerprint) throw ValidationError.field('metadata', 'The metadata contains a certificate that cannot be parsed.');
  const body = certificateBody(pem);
  for (const uuid of [source.settings.verification_kp, ...source.settings.verification_kps]) {
    const kp = uuid ? await repos.keypairs.byUuid(uuid) : null;
    if (kp && certificateBody(kp.certificateData) === body) return kp.uuid;
  }
  const name = idpKeypairName(source, fingerprint);
  const find = async () =>
    (await repos.keypairs.list({ filters: [{ field: 'name', value: name }], search: null, ordering: [], offset: 0, limit: 1 })).items[0];
  const existing = await find();
  if (existing) {
    if (certificateBody(existing.certificateData) === body) return existing.uuid;
    throw ValidationError.field('metadata', `A different key pair named "${name}" already exists.`);
  }
  try {
    return (await repos.keypairs.create({ name, certificateData: pem, keyData: null })).uuid;
  } catch (e) {
    // Another instance created it between our look-up and insert.
    const raced = e instanceof ValidationError ? await find() : undefined;
    if (raced) return raced.uuid;
    throw e;
  }
}
