/** Creates OAuth sources for end-to-end tests (discovery through the protocol core, like the API does). */
import { discoverOidcConfiguration, fetchJwks } from '../../src/protocols/oauth/index.js';
import type { OAuthSource } from '../../src/storage/source-ports.js';
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
  return repos.oauthSources.create(
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
      providerType: o.providerType ?? 'openidconnect',
      consumerKey: o.clientId,
      consumerSecret: o.clientSecret,
      authorizationUrl: discovered.authorizationUrl,
      accessTokenUrl: discovered.accessTokenUrl,
      profileUrl: discovered.profileUrl,
      oidcWellKnownUrl: o.wellKnownUrl,
      oidcJwksUrl: discovered.oidcJwksUrl ?? '',
      oidcJwks: jwks as unknown as Record<string, unknown>,
      oidcIssuer: discovered.issuer ?? '',
      pkce: discovered.pkce ?? 'S256',
      authorizationCodeAuthMethod: o.authMethod ?? 'basic_auth',
    },
  );
}
