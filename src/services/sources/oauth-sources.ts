/** Use cases of /sources/oauth/: CRUD with SPEC §3.7 validation (discovery, JWKS, required URLs). */
import { NotFoundError, ValidationError } from '../../errors/index.js';
import { discoverOidcConfiguration, fetchJwks } from '../../protocols/oauth/discovery.js';
import { DiscoveryError } from '../../protocols/oauth/errors.js';
import { getProviderType, listProviderTypes, sourceTypeDescriptor, type SourceTypeDescriptor } from '../../protocols/oauth/provider-types.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { OAuthSettingsInput, OAuthSource } from '../../storage/source-ports.js';
import type { ServiceContext } from '../context.js';
import { toBaseInput, validateBase, type SourceBaseData } from './base-input.js';
import { removeSource } from './sources.js';
import { sourceUsedBy, type UsedByEntry } from './used-by.js';

export interface OAuthSourceData extends SourceBaseData {
  provider_type?: string;
  request_token_url?: string | null;
  authorization_url?: string | null;
  access_token_url?: string | null;
  profile_url?: string | null;
  additional_scopes?: string;
  consumer_key?: string;
  consumer_secret?: string;
  oidc_well_known_url?: string;
  oidc_jwks_url?: string;
  oidc_jwks?: Record<string, unknown>;
  pkce?: string;
  authorization_code_auth_method?: string;
}

/** 2024.8's `azuread` became `entraid` (SPEC §3.4); old clients may still send it. */
export const LEGACY_PROVIDER_TYPES: Record<string, string> = { azuread: 'entraid' };

export function providerTypeNames(): string[] {
  return [...listProviderTypes().map((t) => t.name), ...Object.keys(LEGACY_PROVIDER_TYPES)];
}

/** SPEC §3.7 `source_types`: every type, or `[type]` for `?name=` (unknown → the generic default). */
export function oauthSourceTypes(name: string | undefined): SourceTypeDescriptor[] {
  if (name !== undefined) return [sourceTypeDescriptor(getProviderType(LEGACY_PROVIDER_TYPES[name] ?? name))];
  return listProviderTypes().map((t) => sourceTypeDescriptor(t));
}

export function listOAuthSources(ctx: ServiceContext, query: ListQuery): Promise<Page<OAuthSource>> {
  return ctx.store.repos.oauthSources.list(query);
}

export async function getOAuthSource(repos: Repositories, slug: string): Promise<OAuthSource> {
  const source = await repos.oauthSources.bySlug(slug);
  if (!source) throw NotFoundError.forModel('OAuthSource');
  return source;
}

const blankToNull = (v: string | null | undefined) => (v === '' ? null : v);

function toSettings(data: OAuthSourceData): OAuthSettingsInput {
  return {
    providerType: data.provider_type !== undefined ? (LEGACY_PROVIDER_TYPES[data.provider_type] ?? data.provider_type) : undefined,
    requestTokenUrl: blankToNull(data.request_token_url),
    authorizationUrl: blankToNull(data.authorization_url),
    accessTokenUrl: blankToNull(data.access_token_url),
    profileUrl: blankToNull(data.profile_url),
    additionalScopes: data.additional_scopes,
    consumerKey: data.consumer_key,
    consumerSecret: data.consumer_secret,
    oidcWellKnownUrl: data.oidc_well_known_url,
    oidcJwksUrl: data.oidc_jwks_url,
    oidcJwks: data.oidc_jwks,
    pkce: data.pkce,
    authorizationCodeAuthMethod: data.authorization_code_auth_method,
  };
}

/**
 * SPEC §3.7 steps 1–2, run before the transaction (no database transaction waits on the
 * network): the well-known document fills the endpoints, the issuer and S256 PKCE; the JWKS
 * (given or discovered) is fetched and cached. Only runs for URLs present in this request.
 */
async function discover(ctx: ServiceContext, settings: OAuthSettingsInput): Promise<void> {
  try {
    if (settings.oidcWellKnownUrl) {
      const doc = await discoverOidcConfiguration({ wellKnownUrl: settings.oidcWellKnownUrl, fetch: ctx.fetch });
      settings.authorizationUrl = doc.authorizationUrl;
      settings.accessTokenUrl = doc.accessTokenUrl;
      settings.profileUrl = doc.profileUrl;
      settings.oidcJwksUrl = doc.oidcJwksUrl;
      if (doc.issuer) settings.oidcIssuer = doc.issuer;
      if (doc.pkce) settings.pkce = doc.pkce;
    }
    if (settings.oidcJwksUrl) {
      settings.oidcJwks = (await fetchJwks({ jwksUrl: settings.oidcJwksUrl, fetch: ctx.fetch })) as unknown as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof DiscoveryError) throw ValidationError.field(e.field, e.message);
    throw e;
  }
}

/** SPEC §3.7 step 3, on the state after this write: customizable types without built-in URLs need them. */
function checkProviderUrls(settings: OAuthSettingsInput, current: OAuthSource | null): string[] {
  const type = getProviderType(settings.providerType ?? current?.oauth.providerType);
  if (!type.urlsCustomizable) return [];
  const checks = [
    ['authorization_url', type.urls.authorizationUrl, settings.authorizationUrl, current?.oauth.authorizationUrl],
    ['access_token_url', type.urls.accessTokenUrl, settings.accessTokenUrl, current?.oauth.accessTokenUrl],
    ['profile_url', type.urls.profileUrl, settings.profileUrl, current?.oauth.profileUrl],
  ] as const;
  return checks
    .filter(([, builtIn, given, stored]) => builtIn === null && !(given !== undefined ? given : stored))
    .map(([field]) => `${field} is required for provider ${type.verboseName}`);
}

async function write(ctx: ServiceContext, data: OAuthSourceData, slug: string | null): Promise<OAuthSource> {
  const settings = toSettings(data);
  await discover(ctx, settings);
  return ctx.store.transaction(async (repos) => {
    const current = slug === null ? null : await getOAuthSource(repos, slug);
    const errors = await validateBase(repos, 'oauth', data, current);
    errors.nonField.push(...checkProviderUrls(settings, current));
    errors.throwIfAny();
    const base = toBaseInput(data);
    return current ? repos.oauthSources.update(current.uuid, base, settings) : repos.oauthSources.create(base, settings);
  });
}

export function createOAuthSource(ctx: ServiceContext, data: OAuthSourceData): Promise<OAuthSource> {
  return write(ctx, data, null);
}

export function updateOAuthSource(ctx: ServiceContext, slug: string, data: OAuthSourceData): Promise<OAuthSource> {
  return write(ctx, data, slug);
}

export async function deleteOAuthSource(ctx: ServiceContext, slug: string): Promise<void> {
  await ctx.store.transaction(async (repos) => removeSource(repos, await getOAuthSource(repos, slug)));
}

export async function oauthSourceUsedBy(ctx: ServiceContext, slug: string): Promise<UsedByEntry[]> {
  return sourceUsedBy(ctx.store.repos, await getOAuthSource(ctx.store.repos, slug));
}
