/**
 * The narrow storage port of the SCIM server (issue 6). Services see domain records only; the SQL
 * lives in storage/sql/scim. Every read and write is scoped to ONE source: a SCIM client can only
 * see and change the users and groups its source created (its link rows), never adopt or delete
 * anything else (deliberately stricter than authentik:
 * docs/behaviour.md#deliberate-deviations-from-authentik).
 */
import type { MemberChanges, Predicate } from '../protocols/scim/index.js';
import type { EventRepository, SessionRepository } from './ports.js';

export interface ScimSourceConfig {
  uuid: string;
  slug: string;
  name: string;
  enabled: boolean;
  userPathTemplate: string;
  /**
   * The source's own API token (docs/behaviour.md#scim-service-account-and-token), or null when it
   * was deleted.
   */
  tokenUuid: string | null;
  /** Its SCIM property mappings per target (loaded with the source: no extra round trip per write). */
  mappings: { user: ScimMappingDefinition[]; group: ScimMappingDefinition[] };
}

/** The token whose key the client presented, with its owner (the service account). */
export interface PresentedToken {
  uuid: string;
  intent: string;
  expiring: boolean;
  expires: Date | null;
  userId: number;
  username: string;
  userActive: boolean;
}

export interface ResolvedScimSource {
  source: ScimSourceConfig;
  /** null when no token has the presented key (or no key was presented). */
  token: PresentedToken | null;
}

export interface ScimMappingDefinition {
  name: string;
  expression: string;
}

export interface ScimUserRecord {
  linkId: string;
  userId: number;
  uuid: string;
  externalId: string;
  username: string;
  name: string;
  email: string;
  isActive: boolean;
  path: string;
  /** The user's own attributes (property-mapping output lands here). */
  attributes: Record<string, unknown>;
  created: Date;
  lastModified: Date;
  /** The last SCIM payload stored for this user (link-row attributes). */
  payload: Record<string, unknown>;
}

export interface ScimGroupRecord {
  linkId: string;
  uuid: string;
  externalId: string;
  name: string;
  attributes: Record<string, unknown>;
  created: Date;
  lastModified: Date;
  payload: Record<string, unknown>;
}

export interface ScimMember {
  uuid: string;
  display: string;
}

/** A filtered page: `predicate` is the storage-neutral tree of protocols/scim/filter-query.ts. */
export interface ScimListQuery {
  predicate: Predicate;
  offset: number;
  limit: number;
}

export interface ScimPage<T> {
  items: T[];
  total: number;
}

export interface ScimUserFields {
  username: string;
  name: string;
  email: string;
  isActive: boolean;
  path: string;
  attributes: Record<string, unknown>;
}

export interface NewScimUser extends ScimUserFields {
  /** null → the link row's own id is used (the column is NOT NULL). */
  externalId: string | null;
  payload: Record<string, unknown>;
}

export interface ScimUserUpdate {
  fields: Partial<ScimUserFields>;
  externalId?: string;
  payload: Record<string, unknown>;
}

export interface NewScimGroup {
  name: string;
  attributes: Record<string, unknown>;
  externalId: string | null;
  payload: Record<string, unknown>;
}

export interface ScimGroupUpdate {
  name?: string;
  attributes?: Record<string, unknown>;
  externalId?: string;
  payload?: Record<string, unknown>;
}

/**
 * Unique violations surface as `ConflictError` with field `userName`, `externalId` or
 * `displayName`; a group or user that vanished mid-request as `NotFoundError`.
 */
export interface ScimRepository {
  /** Source by slug (kind scim) with its mappings, plus the token matching `tokenKey`, in one round trip. */
  resolveSource(slug: string, tokenKey: string | null): Promise<ResolvedScimSource | null>;

  findUser(sourceUuid: string, uuid: string, options?: { lock?: boolean }): Promise<ScimUserRecord | null>;
  listUsers(sourceUuid: string, query: ScimListQuery): Promise<ScimPage<ScimUserRecord>>;
  createUser(sourceUuid: string, input: NewScimUser): Promise<ScimUserRecord>;
  updateUser(user: ScimUserRecord, update: ScimUserUpdate): Promise<ScimUserRecord>;
  /** Deletes the user (and through it the link row) if this source owns it; the deleted user or null. */
  deleteUser(sourceUuid: string, uuid: string): Promise<{ id: number; username: string } | null>;

  findGroup(sourceUuid: string, uuid: string): Promise<ScimGroupRecord | null>;
  /**
   * Starts a write of a group this source owns: locks its link row and moves `last_update`
   * (every group write is a change, member-only ones included). Null when not owned / absent.
   * Every group write calls this FIRST, so writers of one group queue instead of deadlocking.
   */
  touchGroup(sourceUuid: string, uuid: string): Promise<ScimGroupRecord | null>;
  listGroups(sourceUuid: string, query: ScimListQuery): Promise<ScimPage<ScimGroupRecord>>;
  createGroup(sourceUuid: string, input: NewScimGroup): Promise<ScimGroupRecord>;
  /** Writes name / attributes / payload / externalId; call touchGroup first. */
  updateGroup(group: ScimGroupRecord, update: ScimGroupUpdate): Promise<ScimGroupRecord>;
  deleteGroup(sourceUuid: string, uuid: string): Promise<{ name: string } | null>;

  /** Members that are users of this source, per group, ordered by user id. */
  members(sourceUuid: string, groupUuids: readonly string[]): Promise<Map<string, ScimMember[]>>;
  /**
   * Applies a membership change as set operations (no read-modify-write), restricted to users of
   * this source: unknown ids and other sources' users are ignored, other members are untouched.
   */
  changeMembers(sourceUuid: string, groupUuid: string, changes: MemberChanges): Promise<void>;
}

/** What one unit of work offers SCIM use cases. */
export interface ScimUnit {
  scim: ScimRepository;
  sessions: Pick<SessionRepository, 'deleteForUser'>;
  events: Pick<EventRepository, 'record'>;
}

/** The part of the one Store that SCIM use cases see (the Store is one). */
export interface ScimStore {
  readonly repos: ScimUnit;
  /** Runs `fn` in one transaction (retried on deadlock / serialization failure); a throw rolls back. */
  transaction<T>(fn: (unit: ScimUnit) => Promise<T>): Promise<T>;
}
