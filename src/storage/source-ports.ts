/**
 * Repository interfaces for sources, their connections and SCIM link rows (domain terms).
 * Kept apart from ports.ts because the sources subsystem is the bulk of the schema.
 */
import type { ListQuery, Page } from './ports.js';

export const BUILT_IN_SOURCE_MANAGED = 'goauthentik.io/sources/inbuilt';

export type SourceKind = 'inbuilt' | 'oauth' | 'saml' | 'scim';

/** Columns every source has (SPEC §1.4), plus its property mappings (ordered by name). */
export interface Source {
  uuid: string;
  kind: SourceKind;
  name: string;
  slug: string;
  enabled: boolean;
  authenticationFlow: string | null;
  enrollmentFlow: string | null;
  policyEngineMode: string;
  userMatchingMode: string;
  groupMatchingMode: string;
  userPathTemplate: string;
  managed: string | null;
  /** "" = no icon; otherwise a URL (http(s) or data:). */
  icon: string;
  userPropertyMappings: string[];
  groupPropertyMappings: string[];
  created: Date;
  lastUpdated: Date;
}

/** Writable base columns; `undefined` leaves a column unchanged on update. */
export interface SourceBaseInput {
  name?: string;
  slug?: string;
  enabled?: boolean;
  authenticationFlow?: string | null;
  enrollmentFlow?: string | null;
  policyEngineMode?: string;
  userMatchingMode?: string;
  groupMatchingMode?: string;
  userPathTemplate?: string;
  userPropertyMappings?: string[];
  groupPropertyMappings?: string[];
}

/** The OAuth columns; the consumer secret is write-only and read separately. */
export interface OAuthSettings {
  providerType: string;
  requestTokenUrl: string | null;
  authorizationUrl: string | null;
  accessTokenUrl: string | null;
  profileUrl: string | null;
  additionalScopes: string;
  consumerKey: string;
  oidcWellKnownUrl: string;
  oidcJwksUrl: string;
  oidcJwks: Record<string, unknown>;
  oidcIssuer: string;
  pkce: string;
  authorizationCodeAuthMethod: string;
}

export interface OAuthSource extends Source {
  oauth: OAuthSettings;
}

export type OAuthSettingsInput = Partial<OAuthSettings> & { consumerSecret?: string };

export interface SamlSettings {
  preAuthenticationFlow: string;
  issuer: string | null;
  idpEntityId: string | null;
  ssoUrl: string;
  sloUrl: string | null;
  metadataUrl: string | null;
  allowIdpInitiated: boolean;
  forceAuthn: boolean;
  nameIdPolicy: string;
  bindingType: string;
  verificationKp: string | null;
  /** Extra certificates accepted during an IdP key rollover. */
  verificationKps: string[];
  signingKp: string | null;
  encryptionKp: string | null;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  temporaryUserDeleteAfter: string;
  signedAssertion: boolean;
  signedResponse: boolean;
}

export interface SamlSource extends Source {
  saml: SamlSettings;
}

export type SamlSettingsInput = Partial<SamlSettings>;

export interface ScimSource extends Source {
  scim: { tokenUuid: string | null };
}

/** Kind-specific repository: the same shape for OAuth, SAML and SCIM sources. */
export interface KindSourceRepository<S extends Source, I> {
  list(query: ListQuery): Promise<Page<S>>;
  byUuid(uuid: string): Promise<S | null>;
  bySlug(slug: string): Promise<S | null>;
  create(base: SourceBaseInput, settings: I): Promise<S>;
  update(uuid: string, base: SourceBaseInput, settings: I): Promise<S>;
}

export interface OAuthSourceRepository extends KindSourceRepository<OAuthSource, OAuthSettingsInput> {
  consumerSecret(uuid: string): Promise<string | null>;
}

export type SamlSourceRepository = KindSourceRepository<SamlSource, SamlSettingsInput>;

export type ScimSourceRepository = KindSourceRepository<ScimSource, { tokenUuid?: string | null }>;

/** Sources of every kind share one table; kind-specific columns live in per-kind tables. */
export interface SourceRepository {
  /** Creates the built-in source (slug `authentik-built-in`) unless it exists. */
  ensureBuiltIn(): Promise<void>;
  list(kind: SourceKind | null, query: ListQuery): Promise<Page<Source>>;
  byUuid(uuid: string): Promise<Source | null>;
  bySlug(slug: string): Promise<Source | null>;
  byName(name: string): Promise<Source | null>;
  byUuids(uuids: string[]): Promise<Source[]>;
  /** Sources whose user or group mappings include this property mapping. */
  usingPropertyMapping(pmUuid: string): Promise<Source[]>;
  /** Enabled sources of the given kinds, ordered by name (user settings, login buttons). */
  enabledOfKinds(kinds: SourceKind[]): Promise<Source[]>;
  setIcon(uuid: string, icon: string): Promise<void>;
  delete(uuid: string): Promise<boolean>;
}

export interface UserConnection {
  id: number;
  kind: string;
  userId: number;
  sourceUuid: string;
  identifier: string;
  expires: Date | null;
  created: Date;
  lastUpdated: Date;
}

export interface NewUserConnection {
  kind: string;
  userId: number;
  sourceUuid: string;
  identifier: string;
  accessToken?: string | null;
  refreshToken?: string | null;
  expires?: Date | null;
}

export interface UserConnectionRepository {
  /** `kind` null = every kind. Fields: pk, user, source, source__slug, user__username, identifier. */
  list(kind: string | null, query: ListQuery): Promise<Page<UserConnection>>;
  byId(id: number): Promise<UserConnection | null>;
  bySourceIdentifier(sourceUuid: string, identifier: string): Promise<UserConnection | null>;
  byUserSource(userId: number, sourceUuid: string): Promise<UserConnection | null>;
  create(input: NewUserConnection): Promise<UserConnection>;
  update(id: number, patch: Partial<Omit<NewUserConnection, 'kind'>>): Promise<UserConnection>;
  delete(id: number): Promise<boolean>;
  tokens(id: number): Promise<{ accessToken: string | null; refreshToken: string | null }>;
  /** For used_by: connections of a source with the owner's username, capped at `limit`. */
  ofSource(sourceUuid: string, limit: number): Promise<Array<UserConnection & { username: string }>>;
}

export interface GroupConnection {
  id: number;
  kind: string;
  groupUuid: string;
  sourceUuid: string;
  identifier: string;
  created: Date;
  lastUpdated: Date;
}

export interface NewGroupConnection {
  kind: string;
  groupUuid: string;
  sourceUuid: string;
  identifier: string;
}

export interface GroupConnectionRepository {
  /** Fields: pk, group, source, source__slug, group__name, identifier. */
  list(kind: string | null, query: ListQuery): Promise<Page<GroupConnection>>;
  byId(id: number): Promise<GroupConnection | null>;
  /** The flow manager's group lookup (SPEC §2.6): connection for (source, identifier). */
  bySourceIdentifier(sourceUuid: string, identifier: string): Promise<GroupConnection | null>;
  /** Uuids of the groups connected to `sourceUuid` that `userId` is a member of. */
  groupsOfUserForSource(userId: number, sourceUuid: string): Promise<string[]>;
  create(input: NewGroupConnection): Promise<GroupConnection>;
  update(id: number, patch: Partial<Omit<NewGroupConnection, 'kind'>>): Promise<GroupConnection>;
  delete(id: number): Promise<boolean>;
  ofSource(sourceUuid: string, limit: number): Promise<Array<GroupConnection & { groupName: string }>>;
}

/** A SCIM link row: which local user/group a SCIM source provisioned (SPEC §5.1). */
export interface ScimLink {
  id: string;
  externalId: string;
  /** user id (number) for users, group uuid for groups. */
  targetId: number | string;
  sourceUuid: string;
  attributes: Record<string, unknown>;
  lastUpdate: Date;
}

export interface NewScimLink {
  id: string;
  externalId: string;
  targetId: number | string;
  sourceUuid: string;
  attributes?: Record<string, unknown>;
}

export interface ScimLinkRepository {
  list(query: ListQuery): Promise<Page<ScimLink>>;
  byId(id: string): Promise<ScimLink | null>;
  create(input: NewScimLink): Promise<ScimLink>;
  update(id: string, patch: Partial<NewScimLink>): Promise<ScimLink>;
  delete(id: string): Promise<boolean>;
  ofSource(sourceUuid: string, limit: number): Promise<Array<ScimLink & { targetName: string }>>;
}

export interface SourceRepositories {
  sources: SourceRepository;
  oauthSources: OAuthSourceRepository;
  samlSources: SamlSourceRepository;
  scimSources: ScimSourceRepository;
  userConnections: UserConnectionRepository;
  groupConnections: GroupConnectionRepository;
  scimUsers: ScimLinkRepository;
  scimGroups: ScimLinkRepository;
}
