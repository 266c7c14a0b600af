/**
 * Plain-data shapes shared by the OAuth client protocol core. Nothing here knows about HTTP
 * requests, sessions or SQL: callers map their source rows into `OAuthSourceConfig` and pass
 * ports (`fetch`, `now`) in.
 */
import type { JSONWebKeySet } from 'jose';

export type PkceMode = 'none' | 'plain' | 'S256';
export type AuthCodeAuthMethod = 'basic_auth' | 'post_body';

/** Network port: every outbound request of this module goes through it. */
export type FetchPort = typeof fetch;
/** Clock port. */
export type Clock = () => Date;

export type JsonObject = Record<string, unknown>;

/** The OAuth source as this module needs it (camelCase; serializers own snake_case). */
export interface OAuthSourceConfig {
  slug?: string;
  name?: string;
  providerType: string;
  /** Client id (Apple: `services_id;team_id;key_id`). */
  consumerKey: string;
  /** Client secret (Apple: PEM PKCS#8 EC private key). */
  consumerSecret: string;
  requestTokenUrl?: string | null;
  authorizationUrl?: string | null;
  accessTokenUrl?: string | null;
  profileUrl?: string | null;
  /** Space separated; a leading `*` replaces the type's default scopes. */
  additionalScopes?: string | null;
  oidcWellKnownUrl?: string | null;
  /** The issuer learnt from discovery (`oidc_issuer`); id_tokens must name it. */
  oidcIssuer?: string | null;
  oidcJwksUrl?: string | null;
  /** Cached JWKS JSON (`{}` when none). */
  oidcJwks?: JSONWebKeySet | JsonObject | null;
  pkce?: PkceMode | null;
  authorizationCodeAuthMethod?: AuthCodeAuthMethod | null;
}

/** Normalised token endpoint response (RFC 6749 §5.1). */
export interface TokenSet {
  accessToken: string;
  /** As sent by the provider (default `Bearer`); Slack is forced to `Bearer`. */
  tokenType: string;
  refreshToken?: string;
  expiresIn?: number;
  idToken?: string;
  scope?: string;
  /** The parsed response body (after Slack's `authed_user` normalisation). */
  raw: JsonObject;
}

/**
 * User properties a provider type derives from a profile before property mappings run
 * (docs/behaviour.md#property-mappings).
 */
export interface BaseUserProperties {
  username?: string;
  email?: string;
  name?: string;
  groups?: string[];
  attributes?: JsonObject;
  [key: string]: unknown;
}
