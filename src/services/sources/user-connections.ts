/**
 * Use cases of /sources/user_connections/{all,<kind>}/. The owner field is `user`
 * (docs/behaviour.md#permissions): a normal user sees and deletes only their own connections and
 * cannot move them — `user`, `source` and `identifier` are read-only for non-admins (unlike
 * authentik), so an owner cannot re-point a connection at someone else's external identity. Someone
 * else's connection is indistinguishable from a missing one (404).
 */
import type { Principal } from '../../domain/entities.js';
import { NotFoundError, PermissionDeniedError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { NewUserConnection, UserConnection } from '../../storage/source-ports.js';
import type { SourceKindDescriptor } from '../../sources/kind.js';
import { SOURCE_KINDS, type ConnectionKind as ConnectionKindName } from '../../sources/kinds.js';
import type { ServiceContext } from '../context.js';
import { asIntId, asUuid } from '../../domain/ids.js';
import { FieldErrorCollector, invalidPk } from './references.js';

/** `null` = the `all` endpoint (every kind). */
export type ConnectionKind = ConnectionKindName | null;

export interface UserConnectionData {
  user?: number;
  source?: string;
  identifier?: string;
  access_token?: string | null;
}

const modelOf = (kind: ConnectionKind) => (kind ? SOURCE_KINDS[kind].connections.user.model : 'UserSourceConnection');
/** Kinds whose connections keep the IdP's tokens (OAuth). */
const keepsTokens = (kind: string) => (SOURCE_KINDS as Record<string, SourceKindDescriptor>)[kind]?.connections?.tokens === true;

function ownerScope(principal: Principal, query: ListQuery): ListQuery {
  if (principal.isSuperuser) return query;
  return { ...query, filters: [...query.filters, { field: 'user', value: principal.user.id }] };
}

export function listUserConnections(
  ctx: ServiceContext,
  principal: Principal,
  kind: ConnectionKind,
  query: ListQuery,
): Promise<Page<UserConnection>> {
  return ctx.store.repos.userConnections.list(kind, ownerScope(principal, query));
}

export async function getUserConnection(
  repos: Repositories,
  principal: Principal,
  kind: ConnectionKind,
  id: string | number,
): Promise<UserConnection> {
  const n = asIntId(id);
  const conn = n === null ? null : await repos.userConnections.byId(n);
  if (!conn || (kind !== null && conn.kind !== kind) || (!principal.isSuperuser && conn.userId !== principal.user.id)) {
    throw NotFoundError.forModel(modelOf(kind));
  }
  return conn;
}

/** Checks `user`/`source` references and the uniqueness rules before writing (race: constraints). */
async function checkWrite(repos: Repositories, kind: string, data: UserConnectionData, current: UserConnection | null): Promise<void> {
  const errors = new FieldErrorCollector();
  if (data.user !== undefined && !(await repos.users.byId(data.user))) errors.add('user', invalidPk(data.user));
  if (data.source !== undefined) {
    const uuid = asUuid(data.source);
    const source = uuid ? await repos.sources.byUuid(uuid) : null;
    // A connection belongs to a source of the endpoint's kind (an OAuth connection to a SAML source is meaningless).
    if (!source || source.kind !== kind) errors.add('source', invalidPk(data.source));
  }
  errors.throwIfAny();
  const userId = data.user ?? current?.userId;
  const sourceUuid = data.source ?? current?.sourceUuid;
  const identifier = data.identifier ?? current?.identifier;
  if (userId === undefined || sourceUuid === undefined || identifier === undefined) return;
  const sameUser = await repos.userConnections.byUserSource(userId, sourceUuid);
  if (sameUser && sameUser.id !== current?.id) errors.nonField.push('The fields user, source must make a unique set.');
  const sameIdentifier = await repos.userConnections.bySourceIdentifier(sourceUuid, identifier);
  if (sameIdentifier && sameIdentifier.id !== current?.id)
    errors.add('identifier', 'A connection with this identifier already exists for this source.');
  errors.throwIfAny();
}

/** Admins create connections directly (an improvement over 2024.8, which has no writable user/source). */
export async function createUserConnection(
  ctx: ServiceContext,
  principal: Principal,
  kind: ConnectionKindName,
  data: UserConnectionData,
): Promise<UserConnection> {
  if (!principal.isSuperuser) throw new PermissionDeniedError();
  const missing = new FieldErrorCollector();
  for (const field of ['user', 'source', 'identifier'] as const) if (data[field] === undefined) missing.add(field, 'This field is required.');
  missing.throwIfAny();
  return ctx.store.transaction(async (repos) => {
    await checkWrite(repos, kind, data, null);
    const input: NewUserConnection = { kind, userId: data.user!, sourceUuid: asUuid(data.source!)!, identifier: data.identifier! };
    if (keepsTokens(kind) && data.access_token !== undefined) input.accessToken = data.access_token;
    return repos.userConnections.create(input);
  });
}

export function updateUserConnection(
  ctx: ServiceContext,
  principal: Principal,
  kind: ConnectionKind,
  id: string,
  data: UserConnectionData,
): Promise<UserConnection> {
  return ctx.store.transaction(async (repos) => {
    const current = await getUserConnection(repos, principal, kind, id);
    const patch: UserConnectionData = principal.isSuperuser ? { ...data } : { access_token: data.access_token };
    if (patch.source !== undefined) patch.source = asUuid(patch.source) ?? patch.source;
    await checkWrite(repos, current.kind, patch, current);
    const tokenPatch = keepsTokens(current.kind) && patch.access_token !== undefined ? { accessToken: patch.access_token } : {};
    return repos.userConnections.update(current.id, { userId: patch.user, sourceUuid: patch.source, identifier: patch.identifier, ...tokenPatch });
  });
}

export async function deleteUserConnection(ctx: ServiceContext, principal: Principal, kind: ConnectionKind, id: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const conn = await getUserConnection(repos, principal, kind, id);
    await repos.userConnections.delete(conn.id);
  });
}
