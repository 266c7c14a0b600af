/**
 * SP metadata (SAML Metadata §2.4.4; docs/behaviour.md#saml-metadata). One function for both
 * surfaces — the public `/source/saml/<slug>/metadata/` and the admin API's `metadata` action — so
 * they cannot drift. Served for disabled sources too: an admin sets up the IdP before enabling the
 * source.
 */
import { buildSpMetadata } from '../../protocols/saml/index.js';
import { NotFoundError } from '../../errors/index.js';
import type { SamlSource } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';
import { samlEndpoints, spEntityId } from './source-config.js';

async function certificateOf(ctx: ServiceContext, uuid: string | null): Promise<string | null> {
  if (!uuid) return null;
  return (await ctx.store.repos.keypairs.byUuid(uuid))?.certificateData ?? null;
}

/** The metadata XML; byte-stable for unchanged settings (a pure template, no timestamps). */
export async function spMetadataXml(ctx: ServiceContext, source: SamlSource, baseUrl: string): Promise<string> {
  const endpoints = samlEndpoints(baseUrl, source.slug);
  const [signingCertificate, encryptionCertificate] = await Promise.all([
    certificateOf(ctx, source.settings.signing_kp),
    certificateOf(ctx, source.settings.encryption_kp),
  ]);
  return buildSpMetadata({
    entityId: spEntityId(source, baseUrl),
    acsUrl: endpoints.acs,
    sloUrl: endpoints.slo,
    nameIdFormat: source.settings.name_id_policy,
    signingCertificate,
    encryptionCertificate,
    wantAssertionsSigned: source.settings.signed_assertion,
  });
}

/**
 * Metadata by slug: any source that exists, enabled or not (docs/behaviour.md#disabled-sources).
 */
export async function spMetadataBySlug(ctx: ServiceContext, slug: string, baseUrl: string): Promise<string> {
  const source = await ctx.store.repos.kindSources.saml.bySlug(slug);
  if (!source) throw NotFoundError.forModel('SAMLSource');
  return spMetadataXml(ctx, source, baseUrl);
}
