/**
 * Periodic refresh of IdP metadata for SAML sources with a `metadata_url`: follow the IdP's
 * endpoint changes and pick up new signing certificates ahead of a key rollover. Certificates
 * are only ever added (to `saml_source_verification_kps`), never removed — an old key keeps
 * verifying until an admin retires it. Safe with several instances: the writes converge, and a
 * key pair created concurrently by another instance is found by its deterministic name.
 */
import { createHash } from 'node:crypto';
import { certificateBody, parseIdpMetadata } from '../../protocols/saml/index.js';
import { UpstreamError, ValidationError } from '../../errors/index.js';
import { parseCertificate } from '../../security/certificates.js';
import type { SamlSettingsInput, SamlSource } from '../../storage/source-ports.js';
import type { ServiceContext } from '../context.js';
import type { Job } from '../jobs/scheduler.js';
import { verificationCertificates } from './source-config.js';

const FETCH_TIMEOUT_MS = 10_000;
const MAX_METADATA_BYTES = 5 * 1024 * 1024;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Unsigned metadata is trusted for its certificates, so it must come over TLS: plain http would
 * let anyone on the path add a signing key. Loopback is allowed for local IdPs and tests.
 */
function checkedUrl(raw: string): URL {
  const url = new URL(raw);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new UpstreamError(`metadata URL ${url.origin} must use https`);
}

async function fetchMetadata(ctx: ServiceContext, raw: string): Promise<string> {
  const response = await ctx.fetch(checkedUrl(raw).toString(), { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
  if (!response.ok) throw new UpstreamError(`metadata URL answered HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_METADATA_BYTES) throw new UpstreamError('metadata document is too large');
  const text = await response.text();
  if (text.length > MAX_METADATA_BYTES) throw new UpstreamError('metadata document is too large');
  return text;
}

function keypairName(source: SamlSource, pem: string): string {
  const fingerprint = createHash('sha256').update(Buffer.from(certificateBody(pem), 'base64')).digest('hex').slice(0, 16);
  return `SAML ${source.slug}: IdP signing certificate ${fingerprint}`;
}

/** The key pair holding `pem` under its deterministic name, created when missing. */
async function keypairFor(ctx: ServiceContext, source: SamlSource, pem: string): Promise<string> {
  const repos = ctx.store.repos;
  const name = keypairName(source, pem);
  const find = async () => (await repos.keypairs.list({ filters: [{ field: 'name', value: name }], search: null, ordering: [], offset: 0, limit: 1 })).items[0];
  const existing = await find();
  if (existing) return existing.uuid;
  try {
    return (await repos.keypairs.create({ name, certificateData: pem, keyData: null })).uuid;
  } catch (e) {
    const raced = e instanceof ValidationError ? await find() : undefined;
    if (raced) return raced.uuid;
    throw e;
  }
}

/** Re-reads one source's metadata; returns what changed. */
export async function refreshSamlSourceMetadata(ctx: ServiceContext, source: SamlSource): Promise<{ changed: string[]; addedCertificates: number }> {
  const s = source.saml;
  if (!s.metadataUrl) return { changed: [], addedCertificates: 0 };
  // With a configured IdP entity ID only that entity is read (federation aggregates, spoofing).
  const metadata = parseIdpMetadata(await fetchMetadata(ctx, s.metadataUrl), s.idpEntityId ? { entityId: s.idpEntityId } : {});
  const patch: SamlSettingsInput = {};
  const sso = s.bindingType === 'REDIRECT' ? (metadata.ssoUrls.redirect ?? metadata.ssoUrls.post) : (metadata.ssoUrls.post ?? metadata.ssoUrls.redirect);
  if (sso && sso !== s.ssoUrl && /^https?:\/\//i.test(sso)) patch.ssoUrl = sso;
  // Our single logout speaks the Redirect binding only.
  const slo = metadata.sloUrls.redirect;
  if (slo && slo !== s.sloUrl && /^https?:\/\//i.test(slo)) patch.sloUrl = slo;

  let added = 0;
  // Without verification_kp signatures are not checked at all; metadata must not switch that on.
  if (s.verificationKp) {
    const known = new Set((await verificationCertificates(ctx, source)).map(certificateBody));
    const kps = [...s.verificationKps];
    for (const pem of metadata.signingCerts) {
      if (known.has(certificateBody(pem)) || !parseCertificate(pem)) continue;
      const uuid = await keypairFor(ctx, source, pem);
      if (uuid !== s.verificationKp && !kps.includes(uuid)) {
        kps.push(uuid);
        added++;
      }
      known.add(certificateBody(pem));
    }
    if (added > 0) patch.verificationKps = kps;
  }
  const changed = Object.keys(patch);
  if (changed.length === 0) return { changed, addedCertificates: added };
  // The fetch took a while: an admin's edit in the meantime wins over what we computed from the
  // old settings (the next run starts from the new ones).
  const applied = await ctx.store.transaction(async (repos) => {
    const current = await repos.samlSources.byUuid(source.uuid);
    if (!current || basisOf(current) !== basisOf(source)) return false;
    await repos.samlSources.update(source.uuid, {}, patch);
    return true;
  });
  return applied ? { changed, addedCertificates: added } : { changed: [], addedCertificates: 0 };
}

/** The settings a refresh is computed from; if any changed, the computed patch is stale. */
function basisOf(source: SamlSource): string {
  const s = source.saml;
  return JSON.stringify([s.metadataUrl, s.idpEntityId, s.bindingType, s.ssoUrl, s.sloUrl, s.verificationKp, s.verificationKps]);
}

export function samlMetadataRefreshJob(ctx: ServiceContext): Job {
  return {
    name: 'saml-metadata-refresh',
    intervalMs: 60 * 60_000,
    async run() {
      const failures: Error[] = [];
      let refreshed = 0;
      for (let offset = 0; ; offset += 100) {
        const page = await ctx.store.repos.samlSources.list({ filters: [], search: null, ordering: [{ field: 'pk', desc: false }], offset, limit: 100 });
        for (const source of page.items.filter((x) => x.saml.metadataUrl)) {
          // One broken IdP must not stop the others; failures are reported together.
          try {
            await refreshSamlSourceMetadata(ctx, source);
            refreshed++;
          } catch (e) {
            failures.push(new Error(`SAML source ${source.slug}: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
          }
        }
        if (offset + 100 >= page.total) break;
      }
      if (failures.length > 0) throw new AggregateError(failures, `metadata refresh failed for ${failures.length} SAML source(s)`);
      return refreshed;
    },
  };
}
