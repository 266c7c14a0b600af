/**
 * Periodic "update well-known and JWKS" task (docs/behaviour.md#oauth-admin-api-and-discovery): for
 * every OAuth source with a well-known URL, re-read the discovery document and take over the four
 * endpoint URLs and the issuer when they changed; for every source with a JWKS URL (possibly just
 * discovered), re-fetch the key set and store it when its key-sorted JSON differs. A source whose
 * fetch fails is logged and skipped; the others still refresh.
 *
 * Several instances: no lock, on purpose. Every write is "set these columns to what the IdP
 * publishes now", made only when it differs from what was read, so concurrent or repeated runs
 * converge on the same row (idempotent). Before writing, the row is re-read in a transaction
 * and left alone if an admin changed its well-known or JWKS URL since it was listed — the
 * admin's edit wins and the next run refreshes from the new URL. Logins refetch the JWKS on an
 * unknown `kid` by themselves (id-token.ts), so a late run never blocks a key rotation.
 */
import type { OAuthSource, SettingsInput } from '../kinds.js';
import { canonicalJson, discoverOidcConfiguration, fetchJwks } from '../../protocols/oauth/index.js';
import type { ServiceContext } from '../../services/context.js';
import type { Job } from '../../services/jobs/scheduler.js';

/** authentik refreshes on a schedule measured in hours; keys rotate slowly and logins self-heal. */
export const REFRESH_OIDC_INTERVAL_MS = 60 * 60 * 1000;
const PAGE_SIZE = 100;
/** Sources refreshed at once: bounded so many slow IdPs do not open many sockets. */
const CONCURRENCY = 4;

export interface JobLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

const silent: JobLogger = { warn: () => undefined, info: () => undefined };

export interface RefreshFailure {
  slug: string;
  step: 'well-known' | 'jwks' | 'update';
  error: string;
}

export interface RefreshSummary {
  /** Sources with a well-known or JWKS URL. */
  checked: number;
  /** Slugs whose row was written. */
  updated: string[];
  failed: RefreshFailure[];
}

type UrlField = 'authorization_url' | 'access_token_url' | 'profile_url' | 'oidc_jwks_url';

async function sourcesToRefresh(ctx: ServiceContext): Promise<OAuthSource[]> {
  const found: OAuthSource[] = [];
  // Collect first, write later: updates do not reorder a slug-ordered listing, but reading
  // everything up front keeps paging independent of what this run writes.
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await ctx.store.repos.kindSources.oauth.list({
      filters: [],
      search: null,
      ordering: [{ field: 'slug', desc: false }],
      offset,
      limit: PAGE_SIZE,
    });
    found.push(...page.items.filter((s) => s.settings.oidc_well_known_url !== '' || s.settings.oidc_jwks_url !== ''));
    if (page.items.length < PAGE_SIZE || offset + PAGE_SIZE >= page.total) return found;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Fetches what the IdP publishes now and returns the columns that differ (empty = nothing). */
async function changesFor(ctx: ServiceContext, source: OAuthSource, fail: (f: RefreshFailure) => void): Promise<SettingsInput<'oauth'>> {
  const o = source.settings;
  const patch: SettingsInput<'oauth'> = {};
  let jwksUrl = o.oidc_jwks_url;
  if (o.oidc_well_known_url !== '') {
    try {
      const d = await discoverOidcConfiguration({ wellKnownUrl: o.oidc_well_known_url, fetch: ctx.fetch });
      const urls: Record<UrlField, string> = {
        authorization_url: d.authorizationUrl,
        access_token_url: d.accessTokenUrl,
        profile_url: d.profileUrl,
        oidc_jwks_url: d.oidcJwksUrl,
      };
      for (const [field, value] of Object.entries(urls) as Array<[UrlField, string]>) {
        if ((o[field] ?? '') !== value) patch[field] = value;
      }
      // A document without `issuer` does not clear a known one: that would switch the
      // id_token issuer check off.
      if (d.issuer !== null && d.issuer !== o.oidc_issuer) patch.oidc_issuer = d.issuer;
      jwksUrl = d.oidcJwksUrl;
    } catch (err) {
      fail({ slug: source.slug, step: 'well-known', error: message(err) });
    }
  }
  if (jwksUrl !== '') {
    try {
      const jwks = await fetchJwks({ jwksUrl, fetch: ctx.fetch });
      if (canonicalJson(jwks) !== canonicalJson(o.oidc_jwks ?? {})) patch.oidc_jwks = jwks as unknown as Record<string, unknown>;
    } catch (err) {
      fail({ slug: source.slug, step: 'jwks', error: message(err) });
    }
  }
  return patch;
}

/** Writes `patch` unless an admin re-pointed the source since it was read. */
async function apply(ctx: ServiceContext, source: OAuthSource, patch: SettingsInput<'oauth'>): Promise<boolean> {
  return ctx.store.transaction(async (repos) => {
    const fresh = await repos.kindSources.oauth.byUuid(source.uuid);
    if (
      !fresh ||
      fresh.settings.oidc_well_known_url !== source.settings.oidc_well_known_url ||
      fresh.settings.oidc_jwks_url !== source.settings.oidc_jwks_url
    )
      return false;
    await repos.kindSources.oauth.update(source.uuid, {}, patch);
    return true;
  });
}

export async function refreshOidcSources(ctx: ServiceContext, log: JobLogger = silent): Promise<RefreshSummary> {
  const sources = await sourcesToRefresh(ctx);
  const summary: RefreshSummary = { checked: sources.length, updated: [], failed: [] };
  const fail = (f: RefreshFailure) => {
    summary.failed.push(f);
    log.warn({ source: f.slug, step: f.step, error: f.error }, 'could not refresh OIDC configuration of source');
  };
  const queue = [...sources];
  const worker = async () => {
    for (let source = queue.shift(); source; source = queue.shift()) {
      try {
        const patch = await changesFor(ctx, source, fail);
        if (Object.keys(patch).length > 0 && (await apply(ctx, source, patch))) {
          summary.updated.push(source.slug);
          log.info({ source: source.slug, fields: Object.keys(patch) }, 'refreshed OIDC configuration of source');
        }
      } catch (err) {
        // A storage error for one source must not stop the others.
        fail({ slug: source.slug, step: 'update', error: message(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, sources.length) }, worker));
  return summary;
}

export function refreshOidcSourcesJob(ctx: ServiceContext, log: JobLogger = silent): Job {
  return {
    name: 'refresh-oidc-sources',
    intervalMs: REFRESH_OIDC_INTERVAL_MS,
    run: () => refreshOidcSources(ctx, log),
  };
}
