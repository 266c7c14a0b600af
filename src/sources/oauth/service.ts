/**
 * What OAuth sources add to the shared source use cases: OpenID discovery and JWKS fetched
 * on save (before the transaction), the URLs a provider type needs, and `source_types`.
 */
import { ValidationError } from '../../errors/index.js';
import { discoverOidcConfiguration, fetchJwks } from '../../protocols/oauth/discovery.js';
import { DiscoveryError } from '../../protocols/oauth/errors.js';
import { getProviderType, listProviderTypes, sourceTypeDescriptor, type SourceTypeDescriptor } from '../../protocols/oauth/provider-types.js';
import type { ServiceContext } from '../../services/context.js';
import type { KindServiceHooks } from '../../services/sources/kind-sources.js';
import type { OAuthSource, SettingsInput } from '../kinds.js';

type Settings = SettingsInput<'oauth'>;

/** `source_types`: every type, or `[type]` for `?name=` (unknown → the generic default). */
export function oauthSourceTypes(name: string | undefined): SourceTypeDescriptor[] {
  if (name !== undefined) return [sourceTypeDescriptor(getProviderType(name))];
  return listProviderTypes().map((t) => sourceTypeDescriptor(t));
}

/**
 * The well-known document fills the endpoints, the issuer and S256 PKCE; the JWKS (given or
 * discovered) is fetched and cached. Only runs for URLs present in this request.
 */
async function discover(ctx: ServiceContext, settings: Settings): Promise<void> {
  try {
    if (settings.oidc_well_known_url) {
      const doc = await discoverOidcConfiguration({ wellKnownUrl: settings.oidc_well_known_url, fetch: ctx.fetch });
      settings.authorization_url = doc.authorizationUrl;
      settings.access_token_url = doc.accessTokenUrl;
      settings.profile_url = doc.profileUrl;
      settings.oidc_jwks_url = doc.oidcJwksUrl;
      if (doc.issuer) settings.oidc_issuer = doc.issuer;
      if (doc.pkce) settings.pkce = doc.pkce;
    }
    if (settings.oidc_jwks_url) {
      settings.oidc_jwks = (await fetchJwks({ jwksUrl: settings.oidc_jwks_url, fetch: ctx.fetch })) as unknown as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof DiscoveryError) throw ValidationError.field(e.field, e.message);
    throw e;
  }
}

/** On the state after this write: customizable types without built-in URLs need them. */
function missingProviderUrls(settings: Settings, current: OAuthSource | null): string[] {
  const type = getProviderType(settings.provider_type ?? current?.settings.provider_type);
  if (!type.urlsCustomizable) return [];
  const checks = [
    ['authorization_url', type.urls.authorizationUrl],
    ['access_token_url', type.urls.accessTokenUrl],
    ['profile_url', type.urls.profileUrl],
  ] as const;
  return checks
    .filter(([field, builtIn]) => builtIn === null && !(settings[field] !== undefined ? settings[field] : current?.settings[field]))
    .map(([field]) => `${field} is required for provider ${type.verboseName}`);
}

export const oauthService: KindServiceHooks<'oauth'> = {
  async prepare(ctx, settings) {
    await discover(ctx, settings);
  },
  async validate(_repos, errors, settings, current) {
    errors.nonField.push(...missingProviderUrls(settings, current));
  },
};
