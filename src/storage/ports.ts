/**
 * Repository interfaces in domain terms. Services depend on these, never on SQL. Every
 * repository method runs inside the unit of work it was obtained from, so one request's
 * writes commit or roll back together.
 */
import type { ScimRepository } from './scim-ports.js';
import type { SourceRepositories } from './source-ports.js';
import type {
  Flow,
  FlowDesignation,
  Group,
  Keypair,
  PropertyMapping,
  PropertyMappingKind,
  Token,
  TokenIntent,
  User,
  UserType,
} from '../domain/entities.js';

export type FilterValue = string | number | boolean | null;

/** A list request: exact filters, a case-insensitive "contains" search, ordering, one page. */
export interface ListQuery {
  filters: Array<{ field: string; value: FilterValue | FilterValue[] }>;
  search: string | null;
  ordering: Array<{ field: string; desc: boolean }>;
  offset: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface NewUser {
  username: string;
  name?: string;
  email?: string;
  passwordHash?: string | null;
  isActive?: boolean;
  type?: UserType;
  path?: string;
  attributes?: Record<string, unknown>;
}

export interface UserRepository {
  list(query: ListQuery): Promise<Page<User>>;
  byId(id: number): Promise<User | null>;
  byIds(ids: number[]): Promise<User[]>;
  byUuid(uuid: string): Promise<User | null>;
  byUsername(username: string): Promise<User | null>;
  /**
   * Exact, case-sensitive matches (docs/behaviour.md#flow-manager-the-decision-table), any type or
   * state.
   */
  findByEmail(email: string, limit: number): Promise<User[]>;
  create(input: NewUser): Promise<User>;
  update(id: number, patch: Partial<NewUser> & { lastLogin?: Date }): Promise<User>;
  delete(id: number): Promise<boolean>;
  passwordHash(id: number): Promise<string | null>;
  /**
   * Deletes up to `batch` generated (temporary) users whose `goauthentik.io/user/expires`
   * (epoch seconds) has passed; rows another instance is deleting are skipped, not waited for.
   */
  deleteExpiredGenerated(now: Date, batch: number): Promise<number>;
  /** Superuser = member of a group with is_superuser, directly or through parent groups. */
  superuserIds(ids: number[]): Promise<Set<number>>;
  groupUuidsOf(ids: number[]): Promise<Map<number, string[]>>;
  setGroups(id: number, groupUuids: string[]): Promise<void>;
  count(): Promise<number>;
}

export interface NewGroup {
  name: string;
  isSuperuser?: boolean;
  parentUuid?: string | null;
  attributes?: Record<string, unknown>;
}

export interface GroupRepository {
  list(query: ListQuery): Promise<Page<Group>>;
  byUuid(uuid: string): Promise<Group | null>;
  byName(name: string): Promise<Group | null>;
  byUuids(uuids: string[]): Promise<Group[]>;
  create(input: NewGroup): Promise<Group>;
  update(uuid: string, patch: Partial<NewGroup>): Promise<Group>;
  delete(uuid: string): Promise<boolean>;
  memberIds(uuids: string[]): Promise<Map<string, number[]>>;
  setMembers(uuid: string, userIds: number[]): Promise<void>;
  addMembers(uuid: string, userIds: number[]): Promise<void>;
  removeMembers(uuid: string, userIds: number[]): Promise<void>;
  /** Would making `parentUuid` the parent of `uuid` create a cycle? */
  wouldCycle(uuid: string, parentUuid: string): Promise<boolean>;
  /** Those of `uuids` with an ancestor (parent, grandparent, …) that has `is_superuser`; one statement. */
  inheritingSuperuser(uuids: string[]): Promise<Set<string>>;
  // Batched forms for group sync: one statement whatever the number of groups.
  /** The groups whose name is one of `names`. */
  byNames(names: string[]): Promise<Group[]>;
  /** Creates every group in one statement; the result is in input order. */
  createMany(inputs: NewGroup[]): Promise<Group[]>;
  /** Sets the name and attributes of every listed group in one statement. */
  updateNamesAndAttributes(rows: Array<{ uuid: string; name: string; attributes: Record<string, unknown> }>): Promise<void>;
  /** Makes `userId` a member of every group in `uuids` (existing memberships are kept). */
  addMemberToGroups(userId: number, uuids: string[]): Promise<void>;
  removeMemberFromGroups(userId: number, uuids: string[]): Promise<void>;
}

export interface NewToken {
  identifier: string;
  key: string;
  intent: TokenIntent;
  userId: number;
  description?: string;
  expiring?: boolean;
  expires?: Date | null;
  managed?: string | null;
}

export interface TokenRepository {
  list(query: ListQuery): Promise<Page<Token>>;
  byIdentifier(identifier: string): Promise<Token | null>;
  byUuid(uuid: string): Promise<Token | null>;
  byManaged(managed: string): Promise<Token | null>;
  /**
   * The token whose key is exactly `key` (looked up by a keyed digest of the whole key, so no
   * prefix timing), with its owner and the owner's superuser flag, in one round trip (hot path
   * of every API call). Callers decide whether the token is usable (intent, expiry, active user).
   */
  authenticate(key: string): Promise<{ token: Token; user: User; isSuperuser: boolean } | null>;
  viewKey(identifier: string): Promise<string | null>;
  create(input: NewToken): Promise<Token>;
  update(identifier: string, patch: Partial<Omit<NewToken, 'key'>> & { key?: string }): Promise<Token>;
  delete(identifier: string): Promise<boolean>;
}

export interface SessionRecord {
  userId: number | null;
  data: Record<string, unknown>;
  expires: Date;
}

export interface SessionRepository {
  get(id: string, now: Date): Promise<SessionRecord | null>;
  put(id: string, record: SessionRecord): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForUser(userId: number): Promise<number>;
  sweep(now: Date, batch: number): Promise<number>;
}

export interface NewFlow {
  slug: string;
  name: string;
  title: string;
  designation: FlowDesignation;
  authentication?: string;
  layout?: string;
  deniedAction?: string;
  policyEngineMode?: string;
  compatibilityMode?: boolean;
  background?: string;
  managed?: string | null;
}

export interface FlowRepository {
  list(query: ListQuery): Promise<Page<Flow>>;
  bySlug(slug: string): Promise<Flow | null>;
  byUuid(uuid: string): Promise<Flow | null>;
  create(input: NewFlow): Promise<Flow>;
  update(uuid: string, patch: Partial<NewFlow>): Promise<Flow>;
  delete(uuid: string): Promise<boolean>;
}

export interface NewKeypair {
  name: string;
  certificateData: string;
  keyData?: string | null;
  managed?: string | null;
}

export interface KeypairRepository {
  list(query: ListQuery): Promise<Page<Keypair>>;
  byUuid(uuid: string): Promise<Keypair | null>;
  privateKey(uuid: string): Promise<string | null>;
  create(input: NewKeypair): Promise<Keypair>;
  update(uuid: string, patch: Partial<NewKeypair>): Promise<Keypair>;
  delete(uuid: string): Promise<boolean>;
}

export interface NewPropertyMapping {
  kind: PropertyMappingKind;
  name: string;
  expression: string;
  managed?: string | null;
}

export interface PropertyMappingRepository {
  list(kind: PropertyMappingKind | null, query: ListQuery): Promise<Page<PropertyMapping>>;
  byUuid(uuid: string): Promise<PropertyMapping | null>;
  byUuids(uuids: string[]): Promise<PropertyMapping[]>;
  create(input: NewPropertyMapping): Promise<PropertyMapping>;
  update(uuid: string, patch: Partial<NewPropertyMapping>): Promise<PropertyMapping>;
  delete(uuid: string): Promise<boolean>;
}

export interface EventRecord {
  action: string;
  app?: string;
  user?: { pk: number; username: string } | Record<string, never>;
  context?: Record<string, unknown>;
  clientIp?: string | null;
}

export interface EventRepository {
  record(event: EventRecord): Promise<void>;
  recent(action: string, limit: number): Promise<Array<EventRecord & { created: Date }>>;
  sweep(now: Date, batch: number): Promise<number>;
}

export interface SettingsRepository {
  /** Serialises transactions that take the same named lock until they commit (advisory xact lock). */
  lock(name: string): Promise<void>;
  get<T>(key: string): Promise<T | null>;
  /** Inserts only when absent; returns the value that is stored afterwards. */
  putIfAbsent<T>(key: string, value: T): Promise<T>;
}

/** Short-lived protocol state bound to one browser session (OAuth state, SAML request id). */
export interface FlowStateRecord {
  kind: string;
  sessionDigest: string;
  sourceUuid: string | null;
  data: Record<string, unknown>;
  expires: Date;
}

export interface FlowStateRepository {
  /** Stores the state, replacing any earlier state under the same key. */
  put(idDigest: string, record: FlowStateRecord): Promise<void>;
  /** Deletes and returns the state (single use), or null when absent or expired. */
  take(idDigest: string, now: Date): Promise<FlowStateRecord | null>;
  /** Deletes expired rows in batches that concurrent instances skip past; returns how many. */
  sweep(now: Date, batch: number): Promise<number>;
}

export interface ReplayCacheRepository {
  /** Records `key` until `expires`; false when it was already recorded and has not expired. */
  remember(key: string, expires: Date, now: Date): Promise<boolean>;
  sweep(now: Date, batch: number): Promise<number>;
}

/**
 * Failed-authentication counters in fixed windows, shared by every instance. `key` names who is
 * counted (a digest the caller builds); a window opens at the first failure and ends at
 * `expires`.
 */
export interface AuthThrottleRepository {
  /** The end of `key`'s window when it holds at least `limit` failures and has not ended, else null. */
  blockedUntil(key: string, limit: number, now: Date): Promise<Date | null>;
  /** Counts one failure, in the open window or in a new one ending at `windowEnd`; atomic. */
  recordFailure(key: string, now: Date, windowEnd: Date): Promise<{ failures: number; expires: Date }>;
  clear(key: string): Promise<void>;
  /** Deletes rows whose window has ended, in batches that concurrent instances skip past. */
  sweep(now: Date, batch: number): Promise<number>;
}

/** The repositories of one unit of work. */
export interface Repositories extends SourceRepositories {
  users: UserRepository;
  groups: GroupRepository;
  tokens: TokenRepository;
  sessions: SessionRepository;
  flows: FlowRepository;
  keypairs: KeypairRepository;
  propertyMappings: PropertyMappingRepository;
  events: EventRepository;
  settings: SettingsRepository;
  flowStates: FlowStateRepository;
  replayCache: ReplayCacheRepository;
  authThrottle: AuthThrottleRepository;
  /** SCIM provisioning reads and writes, scoped to one SCIM source. */
  scim: ScimRepository;
}

export interface Store {
  /** Repositories outside a transaction (each call autocommits). */
  readonly repos: Repositories;
  /** Runs `fn` in one transaction; any throw rolls everything back. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
