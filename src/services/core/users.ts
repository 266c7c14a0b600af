/** Use cases for /core/users/: CRUD with group membership and the derived superuser flag. */
import { createHash } from 'node:crypto';
import type { Group, Principal, User, UserType } from '../../domain/entities.js';
import { asIntId } from '../../domain/ids.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../../errors/index.js';
import type { ListQuery, NewUser, Page, Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';

export interface UserView {
  user: User;
  isSuperuser: boolean;
  groups: Group[];
  uid: string;
}

export interface UserInput {
  username?: string;
  name?: string;
  email?: string;
  is_active?: boolean;
  last_login?: Date | null;
  groups?: string[];
  attributes?: Record<string, unknown>;
  path?: string;
  type?: UserType;
}

export function userUid(installId: string, id: number): string {
  return createHash('sha256').update(`${installId}-${id}`).digest('hex');
}

export async function loadUserViews(repos: Repositories, install: string, users: User[]): Promise<UserView[]> {
  const ids = users.map((u) => u.id);
  const [supers, groupMap] = await Promise.all([repos.users.superuserIds(ids), repos.users.groupUuidsOf(ids)]);
  const allGroupIds = [...new Set([...groupMap.values()].flat())];
  const groups = new Map((await repos.groups.byUuids(allGroupIds)).map((g) => [g.uuid, g]));
  return users.map((user) => ({
    user,
    isSuperuser: supers.has(user.id),
    groups: (groupMap.get(user.id) ?? []).map((g) => groups.get(g)).filter((g): g is Group => !!g),
    uid: userUid(install, user.id),
  }));
}

export function listUsers(ctx: ServiceContext, query: ListQuery): Promise<Page<User>> {
  return ctx.store.repos.users.list(query);
}

export async function getUser(repos: Repositories, id: string | number): Promise<User> {
  const n = asIntId(id);
  const user = n !== null ? await repos.users.byId(n) : null;
  if (!user) throw NotFoundError.forModel('User');
  return user;
}

function validatePath(path: string | undefined): void {
  if (path === undefined) return;
  if (path.startsWith('/') || path.endsWith('/')) throw ValidationError.field('path', 'No leading or trailing slashes allowed.');
  if (path.includes('//')) throw ValidationError.field('path', 'No empty segments in user path allowed.');
}

async function checkGroups(repos: Repositories, uuids: string[] | undefined): Promise<void> {
  if (!uuids || uuids.length === 0) return;
  const found = new Set((await repos.groups.byUuids(uuids)).map((g) => g.uuid));
  const missing = uuids.find((u) => !found.has(u));
  if (missing) throw ValidationError.field('groups', `Invalid pk "${missing}" - object does not exist.`);
}

async function checkUsernameFree(repos: Repositories, username: string | undefined, selfId?: number): Promise<void> {
  if (username === undefined) return;
  const existing = await repos.users.byUsername(username);
  if (existing && existing.id !== selfId) throw ValidationError.field('username', 'This field must be unique.');
}

function toNewUser(input: UserInput): Partial<NewUser> & { lastLogin?: Date } {
  const out: Partial<NewUser> & { lastLogin?: Date } = {};
  if (input.username !== undefined) out.username = input.username;
  if (input.name !== undefined) out.name = input.name;
  if (input.email !== undefined) out.email = input.email;
  if (input.is_active !== undefined) out.isActive = input.is_active;
  if (input.attributes !== undefined) out.attributes = input.attributes;
  if (input.path !== undefined) out.path = input.path;
  if (input.type !== undefined) out.type = input.type;
  if (input.last_login instanceof Date) out.lastLogin = input.last_login;
  return out;
}

export async function createUser(ctx: ServiceContext, input: UserInput): Promise<User> {
  validatePath(input.path);
  return ctx.store.transaction(async (repos) => {
    await checkUsernameFree(repos, input.username);
    await checkGroups(repos, input.groups);
    const user = await repos.users.create({ ...(toNewUser(input) as NewUser), passwordHash: null });
    if (input.groups) await repos.users.setGroups(user.id, input.groups);
    return user;
  });
}

export async function updateUser(ctx: ServiceContext, id: string, input: UserInput): Promise<User> {
  validatePath(input.path);
  return ctx.store.transaction(async (repos) => {
    const user = await getUser(repos, id);
    await checkUsernameFree(repos, input.username, user.id);
    await checkGroups(repos, input.groups);
    const updated = await repos.users.update(user.id, toNewUser(input));
    if (input.groups) await repos.users.setGroups(user.id, input.groups);
    return updated;
  });
}

export async function deleteUser(ctx: ServiceContext, principal: Principal, id: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const user = await getUser(repos, id);
    if (user.id === principal.user.id) throw new PermissionDeniedError('Cannot delete the user you are authenticated as.', 'self_delete');
    await repos.users.delete(user.id);
  });
}
