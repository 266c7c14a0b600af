/** Use cases for /core/groups/: CRUD with members, a single parent (2024.8) and cycle checks. */
import type { Group, User } from '../../domain/entities.js';
import { asUuid } from '../../domain/ids.js';
import { NotFoundError, ValidationError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';

export interface GroupInput {
  name?: string;
  is_superuser?: boolean;
  parent?: string | null;
  users?: number[];
  attributes?: Record<string, unknown>;
  roles?: string[];
}

export interface GroupView {
  group: Group;
  parentName: string | null;
  members: User[];
}

export function listGroups(ctx: ServiceContext, query: ListQuery): Promise<Page<Group>> {
  return ctx.store.repos.groups.list(query);
}

export async function getGroup(repos: Repositories, uuid: string): Promise<Group> {
  const id = asUuid(uuid);
  const group = id ? await repos.groups.byUuid(id) : null;
  if (!group) throw NotFoundError.forModel('Group');
  return group;
}

export async function loadGroupViews(repos: Repositories, groups: Group[]): Promise<GroupView[]> {
  const parentIds = [...new Set(groups.map((g) => g.parentUuid).filter((p): p is string => !!p))];
  const [parents, members] = await Promise.all([repos.groups.byUuids(parentIds), repos.groups.memberIds(groups.map((g) => g.uuid))]);
  const parentNames = new Map(parents.map((p) => [p.uuid, p.name]));
  const userIds = [...new Set([...members.values()].flat())];
  const users = new Map((await repos.users.byIds(userIds)).map((u) => [u.id, u]));
  return groups.map((group) => ({
    group,
    parentName: group.parentUuid ? (parentNames.get(group.parentUuid) ?? null) : null,
    members: (members.get(group.uuid) ?? []).map((id) => users.get(id)).filter((u): u is User => !!u),
  }));
}

async function validate(repos: Repositories, input: GroupInput, selfUuid?: string): Promise<void> {
  if (input.roles && input.roles.length > 0) {
    throw ValidationError.field('roles', `Invalid pk "${input.roles[0]}" - object does not exist.`);
  }
  if (input.name !== undefined) {
    const clash = await repos.groups.byName(input.name);
    if (clash && clash.uuid !== selfUuid) throw ValidationError.field('name', 'group with this name already exists.');
  }
  if (input.parent) {
    if (!(await repos.groups.byUuid(input.parent))) throw ValidationError.field('parent', `Invalid pk "${input.parent}" - object does not exist.`);
    if (selfUuid === input.parent) throw ValidationError.field('parent', 'Cannot set group as parent of itself.');
    if (selfUuid && (await repos.groups.wouldCycle(selfUuid, input.parent))) {
      throw ValidationError.field('parent', 'A group cannot be its own ancestor.');
    }
  }
  if (input.users && input.users.length > 0) {
    const found = new Set((await repos.users.byIds(input.users)).map((u) => u.id));
    const missing = input.users.find((id) => !found.has(id));
    if (missing !== undefined) throw ValidationError.field('users', `Invalid pk "${missing}" - object does not exist.`);
  }
}

export function createGroup(ctx: ServiceContext, input: GroupInput): Promise<Group> {
  return ctx.store.transaction(async (repos) => {
    await validate(repos, input);
    const group = await repos.groups.create({
      name: input.name!,
      isSuperuser: input.is_superuser,
      parentUuid: input.parent ?? null,
      attributes: input.attributes,
    });
    if (input.users) await repos.groups.setMembers(group.uuid, input.users);
    return group;
  });
}

export function updateGroup(ctx: ServiceContext, uuid: string, input: GroupInput): Promise<Group> {
  return ctx.store.transaction(async (repos) => {
    const group = await getGroup(repos, uuid);
    await validate(repos, input, group.uuid);
    const updated = await repos.groups.update(group.uuid, {
      name: input.name,
      isSuperuser: input.is_superuser,
      parentUuid: input.parent,
      attributes: input.attributes,
    });
    if (input.users) await repos.groups.setMembers(group.uuid, input.users);
    return updated;
  });
}

export async function deleteGroup(ctx: ServiceContext, uuid: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const group = await getGroup(repos, uuid);
    await repos.groups.delete(group.uuid);
  });
}

export async function changeMembership(ctx: ServiceContext, uuid: string, userId: number, add: boolean): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const group = await getGroup(repos, uuid);
    // authentik looks the user up with get_object_or_404.
    if (!(await repos.users.byId(userId))) throw new NotFoundError('Not found.');
    if (add) await repos.groups.addMembers(group.uuid, [userId]);
    else await repos.groups.removeMembers(group.uuid, [userId]);
  });
}
