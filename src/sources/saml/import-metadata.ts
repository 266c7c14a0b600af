/**
 * SAML metadata in both directions: our SP metadata for a source (docs/behaviour.md#saml-metadata)
 * and importing an IdP's metadata into a source (endpoints, entity ID, signing certificates).
 */
import { UpstreamError, ValidationError } from '../../errors/index.js';
import { parseIdpMetadata, type IdpMetadata } from '../../protocols/saml/metadata.js';
import { spMetadataXml } from './metadata.js';
import { samlEndpoints } from './source-config.js';
import { fetchIdpMetadata, keypairForIdpCertificate } from './idp-metadata.js';
import type { SamlSource, SettingsInput } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';
import { getKindSource } from '../../services/sources/kind-sources.js';

/** `{metadata, download_url}` — the same XML as the public metadata endpoint (one builder). */
export async function samlSourceMetadata(ctx: ServiceContext, slug: string, baseUrl: string): Promise<{ metadata: string; download_url: string }> {
  const source = await getKindSource(ctx.store.repos, 'saml', slug);
  return { metadata: await spMetadataXml(ctx, source, baseUrl), download_url: samlEndpoints('', source.slug).metadata };
}

export interface ImportMetadataData {
  metadata?: string;
  metadata_url?: string;
}

async function fetchMetadata(ctx: ServiceContext, url: string): Promise<string> {
  try {
    return await fetchIdpMetadata(ctx, url);
  } catch (e) {
    if (e instanceof UpstreamError) throw ValidationError.field('metadata_url', `Failed to fetch metadata: ${e.message}`);
    throw e;
  }
}

function parse(xml: string): IdpMetadata {
  try {
    return parseIdpMetadata(xml);
  } catch (e) {
    throw ValidationError.field('metadata', (e as Error).message);
  }
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
    const source = await getKindSource(repos, 'saml', slug);
    const settings: SettingsInput<'saml'> = {
      sso_url: sso,
      slo_url: idp.sloUrls.redirect ?? idp.sloUrls.post ?? null,
      binding_type: idp.ssoUrls.redirect ? 'REDIRECT' : source.settings.binding_type === 'POST_AUTO' ? 'POST_AUTO' : 'POST',
      idp_entity_id: idp.entityId,
    };
    if (data.metadata_url) settings.metadata_url = data.metadata_url;
    if (sso.length > 200 || (settings.slo_url?.length ?? 0) > 200)
      throw ValidationError.field('metadata', 'The metadata endpoints are longer than 200 characters.');
    const kps: string[] = [];
    for (const pem of idp.signingCerts) kps.push(await keypairForIdpCertificate(repos, source, pem));
    if (kps.length > 0) {
      settings.verification_kp = kps[0];
      settings.verification_kps = kps.slice(1);
    }
    return repos.kindSources.saml.update(source.uuid, {}, settings);
  });
}
