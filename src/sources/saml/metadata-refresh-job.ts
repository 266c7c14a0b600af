/**
 * Periodic refresh of IdP metadata for SAML sources with a `metadata_url`: follow the IdP's
 * endpoint changes and pick up new signing certificates ahead of a key rollover. Certificates
 * are only ever added (to `saml_source_verification_kps`), never removed — an old key keeps
 * verifying until an admin retires it. Safe with several instances: the writes converge, and a
 * key pair created concurrently by another instance is found by its deterministic name
 * (`idp-metadata.ts`, shared with the admin import).
 */
import { certificateBody, parseIdpMetadata } from '../../protocols/saml/index.js';
import { isHttpUrl } from '../../domain/urls.js';
import { parseCertificate } from '../../security/certificates.js';
import type { SamlSource, SettingsInput } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';
import type { Job } from '../../services/jobs/scheduler.js';
import { fetchIdpMetadata, keypairForIdpCertificate } from './idp-metadata.js';
import { verificationCertificates } from './source-config.js';

/** Re-reads one source's metadata; returns what changed. */
export async function refreshSamlSourceMetadata(ctx: ServiceContext, source: SamlSource): Promise<{ changed: string[]; addedCertificates: number }> {
  const s = source.settings;
  if (!s.metadata_url) return { changed: [], addedCertificates: 0 };
  // With a configured IdP entity ID only that entity is read (federation aggregates, spoofing).
  const metadata = parseIdpMetadata(await fetchIdpMetadata(ctx, s.metadata_url), s.idp_entity_id ? { entityId: s.idp_entity_id } : {});
  const patch: SettingsInput<'saml'> = {};
  const sso =
    s.binding_type === 'REDIRECT' ? (metadata.ssoUrls.redirect ?? metadata.ssoUrls.post) : (metadata.ssoUrls.post ?? metadata.ssoUrls.redirect);
  if (sso && sso !== s.sso_url && isHttpUrl(sso)) patch.sso_url = sso;
  // Our single logout speaks the Redirect binding only.
  const slo = metadata.sloUrls.redirect;
  if (slo && slo !== s.slo_url && isHttpUrl(slo)) patch.slo_url = slo;

  let added = 0;
  // Without verification_kp signatures are not checked at all; metadata must not switch that on.
  if (s.verification_kp) {
    const known = new Set((await verificationCertificates(ctx, source)).map(certificateBody));
    const kps = [...s.verification_kps];
    for (const pem of metadata.signingCerts) {
      if (known.has(certificateBody(pem)) || !parseCertificate(pem)) continue;
      const uuid = await keypairForIdpCertificate(ctx.store.repos, source, pem);
      if (uuid !== s.verification_kp && !kps.includes(uuid)) {
        kps.push(uuid);
        added++;
      }
      known.add(certificateBody(pem));
    }
    if (added > 0) patch.verification_kps = kps;
  }
  const changed = Object.keys(patch);
  if (changed.length === 0) return { changed, addedCertificates: added };
  // The fetch took a while: an admin's edit in the meantime wins over what we computed from the
  // old settings (the next run starts from the new ones).
  const applied = await ctx.store.transaction(async (repos) => {
    const current = await repos.kindSources.saml.byUuid(source.uuid);
    if (!current || basisOf(current) !== basisOf(source)) return false;
    await repos.kindSources.saml.update(source.uuid, {}, patch);
    return true;
  });
  return applied ? { changed, addedCertificates: added } : { changed: [], addedCertificates: 0 };
}

/** The settings a refresh is computed from; if any changed, the computed patch is stale. */
function basisOf(source: SamlSource): string {
  const s = source.settings;
  return JSON.stringify([s.metadata_url, s.idp_entity_id, s.binding_type, s.sso_url, s.slo_url, s.verification_kp, s.verification_kps]);
}

export function samlMetadataRefreshJob(ctx: ServiceContext): Job {
  return {
    name: 'saml-metadata-refresh',
    intervalMs: 60 * 60_000,
    async run() {
      const failures: Error[] = [];
      let refreshed = 0;
      for (let offset = 0; ; offset += 100) {
        const page = await ctx.store.repos.kindSources.saml.list({
          filters: [],
          search: null,
          ordering: [{ field: 'pk', desc: false }],
          offset,
          limit: 100,
        });
        for (const source of page.items.filter((x) => x.settings.metadata_url)) {
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
