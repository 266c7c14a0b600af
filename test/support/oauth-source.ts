/** Creates OAuth sources for end-to-end tests (discovery through the protocol core, like the API does). */
import { discoverOidcConfiguration, fetchJwks } from '../../src/protocols/oauth/index.js';
import type { OAuthSource } from '../../src/sources/kinds.js';
import type { TestApp } from './app.js';

export interface OidcSourceOptions {
  slug: string;
  clientId: string;
  clientSecret: string;
  wellKnownUrl: string;
  userMatchingMode?: string;
  groupMatchingMode?: string;
  enrollment?: boolean;
  providerType?: string;
  authMethod?: 'basic_auth' | 'post_body';
  userPropertyMappings?: string[];
  groupPropertyMappings?: string[];
}

export async function createOidcSource(app: TestApp, o: OidcSourceOptions): Promise<OAuthSource> {
  const repos = app.ctx.store.repos;
  const discovered = await discoverOidcConfiguration({ wellKnownUrl: o.wellKnownUrl, fetch });
  const jwks = await fetchJwks({ jwksUrl: discovered.oidcJwksUrl, fetch });
  const auth = await repos.flows.bySlug('default-source-authentication');
  const enroll = await repos.flows.bySlug('default-source-enrollment');
  return repos.kindSources.oauth.create(
    {
      name: `Source ${o.slug}`,
      slug: o.slug,
      authenticationFlow: auth!.uuid,
      enrollmentFlow: o.enrollment === false ? null : enroll!.uuid,
      userMatchingMode: o.userMatchingMode ?? 'identifier',
      groupMatchingMode: o.groupMatchingMode ?? 'identifier',
      userPropertyMappings: o.userPropertyMappings ?? [],
      groupPropertyMappings: o.groupPropertyMappings ?? [],
    },
    {
      provider_type: o.providerType ?? 'openidconnect',
      consumer_key: o.clientId,
      consumer_secret: o.clientSecret,
      authorization_url: discovered.authorizationUrl,
      access_token_url: discovered.accessTokenUrl,
      profile_url: discovered.profileUrl,
      oidc_well_known_url: o.wellKnownUrl,
      oidc_jwks_url: discovered.oidcJwksUrl ?? '',
      oidc_jwks: jwks as unknown as Record<string, unknown>,
      oidc_issuer: discovered.issuer ?? '',
      pkce: discovered.pkce ?? 'S256',
      authorization_code_auth_method: o.authMethod ?? 'basic_auth',
    },
  );
}
