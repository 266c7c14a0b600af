/**
 * SAML metadata in both directions: our SP metadata for a source (SPEC §4.5) and importing
 * an IdP's metadata into a source (endpoints, entity ID, signing certificates).
 */
import { ValidationError } from '../../errors/index.js';
import { boundedFetch } from '../../protocols/oauth/http.js';
import { parseIdpMetadata, type IdpMetadata } from '../../protocols/saml/metadata.js';
import { spMetadataXml } from '../saml/metadata.js';
import { samlEndpoints } from '../saml/source-config.js';
import { describeCertificate, parseCertificate } from '../../security/certificates.js';
import type { Repositories } from '../../storage/ports.js';
import type { SamlSettingsInput, SamlSource } from '../../storage/source-ports.js';
import type { ServiceContext } from '../context.js';
import { getSamlSource } from './saml-sources.js';


/** `{metadata, download_url}` — the same XML as the public metadata endpoint (one builder). */
export async function samlSourceMetadata(ctx: ServiceContext, slug: string, baseUrl: string): Promise<{ metadata: string; download_url: string }> {
  const source = await getSamlSource(ctx.store.repos, slug);
  return { metadata: await spMetadataXml(ctx, source, baseUrl), download_url: samlEndpoints('', source.slug).metadata };
}

export interface ImportMetadataData {
  metadata?: string;
  metadata_url?: string;
}

/** IdP metadata is small; a megabyte covers federation-sized single-entity documents. */
const METADATA_LIMITS = { timeoutMs: 10_000, maxBytes: 1024 * 1024 };

async function fetchMetadata(ctx: ServiceContext, url: string): Promise<string> {
  try {
    const res = await boundedFetch(ctx.fetch, url, { method: 'GET', headers: { Accept: 'application/samlmetadata+xml, application/xml, text/xml' } }, METADATA_LIMITS);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text;
  } catch (e) {
    throw ValidationError.field('metadata_url', `Failed to fetch metadata: ${(e as Error).message}`);
  }
}

function parse(xml: string): IdpMetadata {
  try {
    return parseIdpMetadata(xml);
  } catch (e) {
    throw ValidationError.field('metadata', (e as Error).message);
  }
}

/** Finds the key pair holding exactly this certificate, or creates one (certificate only). */
async function keypairFor(repos: Repositories, source: SamlSource, pem: string): Promise<string> {
  const cert = parseCertificate(pem);
  if (!cert) throw ValidationError.field('metadata', 'The metadata contains a certificate that cannot be parsed.');
  const fingerprint = describeCertificate(cert).fingerprintSha256.replace(/:/g, '');
  const name = `${source.name} IdP ${fingerprint.slice(0, 16)}`;
  const page = await repos.keypairs.list({ filters: [{ field: 'name', value: name }], search: null, ordering: [], offset: 0, limit: 1 });
  const existing = page.items[0];
  if (existing) {
    if (existing.certificateData.trim() === pem.trim()) return existing.uuid;
    throw ValidationError.field('metadata', `A different key pair named "${name}" already exists.`);
  }
  return (await repos.keypairs.create({ name, certificateData: pem })).uuid;
}

/**
 * Fills sso_url/slo_url/binding (preferring HTTP-Redirect), idp_entity_id, metadata_url and
 * the verification certificates: the first signing certificate becomes `verification_kp`,
 * the rest (key rollover) the extra verification key pairs.
 */
export async function importSamlMetadata(ctx: ServiceContext, slug: string, data: ImportMetadataData): Promise<SamlSource> {
  if (!data.metadata && !data.metadata_url) throw ValidationError.nonField('Either metadata or metadata_url is required.');
  const xml = data.metadata || (await fetchMetadata(ctx, data.metadata_url!));
  const idp = parse(xml);
  const sso = idp.ssoUrls.redirect ?? idp.ssoUrls.post;
  if (!sso) throw ValidationError.field('metadata', 'The metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding.');
  return ctx.store.transaction(async (repos) => {
    const source = await getSamlSource(repos, slug);
    const settings: SamlSettingsInput = {
      ssoUrl: sso,
      sloUrl: idp.sloUrls.redirect ?? idp.sloUrls.post ?? null,
      bindingType: idp.ssoUrls.redirect ? 'REDIRECT' : source.saml.bindingType === 'POST_AUTO' ? 'POST_AUTO' : 'POST',
      idpEntityId: idp.entityId,
    };
    if (data.metadata_url) settings.metadataUrl = data.metadata_url;
    if (settings.ssoUrl!.length > 200 || (settings.sloUrl?.length ?? 0) > 200) throw ValidationError.field('metadata', 'The metadata endpoints are longer than 200 characters.');
    const kps: string[] = [];
    for (const pem of idp.signingCerts) kps.push(await keypairFor(repos, source, pem));
    if (kps.length > 0) {
      settings.verificationKp = kps[0];
      settings.verificationKps = kps.slice(1);
    }
    return repos.samlSources.update(source.uuid, {}, settings);
  });
}
