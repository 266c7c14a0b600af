/**
 * Group synchronisation stage (SPEC §2.6): resolve every claimed group to a local group by the
 * source's group matching mode, then make the user's membership of *this source's* groups
 * equal to the claim. Groups never connected to the source are left alone (SPEC §8.14).
 */
import { decideGroupAction, GROUP_SYNC_FAILED_MESSAGE, planGroupSync, type GroupMatchingMode } from '../../domain/matching.js';
import { applyAttributeUpdate } from '../../domain/properties.js';
import { BadRequestError } from '../../errors/index.js';
import type { Repositories } from '../../storage/ports.js';
import type { PendingGroup } from './plan.js';

function groupName(g: PendingGroup): string {
  const name = g.properties.name;
  return typeof name === 'string' && name.trim() !== '' ? name : g.id;
}

async function resolveGroup(repos: Repositories, sourceUuid: string, kind: string, mode: GroupMatchingMode, g: PendingGroup): Promise<string> {
  const existing = await repos.groupConnections.bySourceIdentifier(sourceUuid, g.id);
  const name = groupName(g);
  const candidate = existing ? null : await repos.groups.byName(name);
  const decision = decideGroupAction({
    existingConnection: existing ? { id: existing.id, groupId: existing.groupUuid } : null,
    mode,
    name,
    candidates: candidate ? [{ id: candidate.uuid, isSuperuser: candidate.isSuperuser }] : [],
  });
  const attributes = g.properties.attributes as Record<string, unknown> | undefined;
  switch (decision.action) {
    case 'auth': {
      const group = (await repos.groups.byUuid(existing!.groupUuid))!;
      const update = applyAttributeUpdate({ fields: { name: group.name }, attributes: group.attributes }, { attributes: attributes ?? {} });
      if (update.changed) await repos.groups.update(group.uuid, { attributes: update.attributes });
      return group.uuid;
    }
    case 'link': {
      await repos.groupConnections.create({ kind, groupUuid: candidate!.uuid, sourceUuid, identifier: g.id });
      return candidate!.uuid;
    }
    case 'enroll': {
      if (candidate) {
        // identifier mode and a same-named local group: creating would violate the unique name.
        throw new BadRequestError(GROUP_SYNC_FAILED_MESSAGE, 'group_name_conflict');
      }
      const group = await repos.groups.create({ name, attributes: attributes ?? {} });
      await repos.groupConnections.create({ kind, groupUuid: group.uuid, sourceUuid, identifier: g.id });
      return group.uuid;
    }
    default:
      throw new BadRequestError(GROUP_SYNC_FAILED_MESSAGE, 'group_sync_denied');
  }
}

export async function syncGroups(repos: Repositories, opts: { userId: number; sourceUuid: string; kind: string; mode: GroupMatchingMode; groups: PendingGroup[] }): Promise<void> {
  const resolved: string[] = [];
  for (const g of opts.groups) resolved.push(await resolveGroup(repos, opts.sourceUuid, opts.kind, opts.mode, g));
  const current = await repos.groupConnections.groupsOfUserForSource(opts.userId, opts.sourceUuid);
  const plan = planGroupSync({ resolvedGroupIds: resolved, currentSourceGroupIds: current });
  for (const g of plan.remove) await repos.groups.removeMembers(String(g), [opts.userId]);
  for (const g of plan.add) await repos.groups.addMembers(String(g), [opts.userId]);
}
