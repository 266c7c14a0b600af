/**
 * Repository interfaces for sources, their connections and SCIM link rows (domain terms).
 * Kept apart from ports.ts because the sources subsystem is the bulk of the schema.
 */
import type { GroupConnection, ScimLink, Source, SourceKind, UserConnection } from '../domain/sources.js';
import type { ConcreteKind, SettingsInput, SourceOf } from '../sources/kinds.js';
import type { ListQuery, Page } from './ports.js';

export type { GroupConnection, ScimLink, Source, SourceKind, UserConnection };
export { BUILT_IN_SOURCE_MANAGED } from '../domain/sources.js';

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

/** Kind-specific repository: the same shape for every concrete kind, typed by its fields. */
export interface KindSourceRepository<K extends ConcreteKind> {
  list(query: ListQuery): Promise<Page<SourceOf<K>>>;
  byUuid(uuid: string): Promise<SourceOf<K> | null>;
  bySlug(slug: string): Promise<SourceOf<K> | null>;
  create(base: SourceBaseInput, settings: SettingsInput<K>): Promise<SourceOf<K>>;
  update(uuid: string, base: SourceBaseInput, settings: SettingsInput<K>): Promise<SourceOf<K>>;
  /** A sealed (write-only) field's value, e.g. the OAuth consumer secret. */
  secret(uuid: string, field: string): Promise<string | null>;
}

export type KindSourceRepositories = { [K in ConcreteKind]: KindSourceRepository<K> };

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
  /**
   * The flow manager's group lookup (docs/behaviour.md#group-sync): connection for (source,
   * identifier).
   */
  bySourceIdentifier(sourceUuid: string, identifier: string): Promise<GroupConnection | null>;
  /** Uuids of the groups connected to `sourceUuid` that `userId` is a member of. */
  groupsOfUserForSource(userId: number, sourceUuid: string): Promise<string[]>;
  create(input: NewGroupConnection): Promise<GroupConnection>;
  /** Group sync, batched: the connections of `sourceUuid` for any of `identifiers`, in one query. */
  bySourceIdentifiers(sourceUuid: string, identifiers: string[]): Promise<GroupConnection[]>;
  /** Group sync, batched: creates every connection in one statement. */
  createMany(inputs: NewGroupConnection[]): Promise<GroupConnection[]>;
  update(id: number, patch: Partial<Omit<NewGroupConnection, 'kind'>>): Promise<GroupConnection>;
  delete(id: number): Promise<boolean>;
  ofSource(sourceUuid: string, limit: number): Promise<Array<GroupConnection & { groupName: string }>>;
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

/** A source that references a flow or key pair, and what deleting that object does to it. */
export interface SourceReference {
  sourceUuid: string;
  sourceName: string;
  kind: string;
  action: 'cascade' | 'cascade_many' | 'set_null';
}

/**
 * For `used_by` of users, groups, flows and key pairs: the rows that reference them, each
 * relation capped at `limit` and ordered so repeated calls agree.
 */
export interface ReferenceRepository {
  /** Base-source flow columns and every kind's own references (e.g. SAML's pre-authentication flow). */
  sourcesUsingFlow(flowUuid: string, limit: number): Promise<SourceReference[]>;
  sourcesUsingKeypair(kpUuid: string, limit: number): Promise<SourceReference[]>;
  tokensOfUser(userId: number, limit: number): Promise<Array<{ uuid: string; identifier: string }>>;
  groupsOfUser(userId: number, limit: number): Promise<Array<{ uuid: string; name: string }>>;
  userConnectionsOfUser(userId: number, limit: number): Promise<Array<{ id: number; kind: string; sourceSlug: string; username: string }>>;
  scimLinksOfUser(userId: number, limit: number): Promise<Array<{ id: string; username: string; sourceName: string }>>;
  childGroups(groupUuid: string, limit: number): Promise<Array<{ uuid: string; name: string }>>;
  membersOfGroup(groupUuid: string, limit: number): Promise<Array<{ id: number; username: string }>>;
  groupConnectionsOfGroup(groupUuid: string, limit: number): Promise<Array<{ id: number; kind: string; sourceSlug: string; groupName: string }>>;
  scimLinksOfGroup(groupUuid: string, limit: number): Promise<Array<{ id: string; groupName: string; sourceName: string }>>;
}

export interface SourceRepositories {
  sources: SourceRepository;
  kindSources: KindSourceRepositories;
  userConnections: UserConnectionRepository;
  groupConnections: GroupConnectionRepository;
  scimUsers: ScimLinkRepository;
  scimGroups: ScimLinkRepository;
  references: ReferenceRepository;
}
