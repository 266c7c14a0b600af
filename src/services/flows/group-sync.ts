/**
 * Group synchronisation stage of a source login (authentik's GroupUpdateStage): resolve every
 * claimed group to a local group by the source's group matching mode, bring each resolved group
 * up to date with its properties, then make the user's membership of *this source's* groups
 * equal to the claim. Groups never connected to the source are left alone.
 *
 * Per claimed group, by the matcher's decision:
 *  - AUTH (already connected) and LINK (same-named group connected now): `update_attributes`
 *    semantics — the name follows the IdP's display name (a group renamed at the IdP is renamed
 *    here), `attributes` are deep-merged into the group's.
 *  - ENROLL: a new group from the properties, connected to the source.
 *  - DENY: the whole login fails with the stage error.
 *
 * An IdP may claim hundreds of groups, so every kind of lookup and write is one statement for
 * all of them: the number of queries does not depend on the number of groups.
 */
import type { Group } from '../../domain/entities.js';
import { decideGroupAction, GROUP_SYNC_FAILED_MESSAGE, planGroupSync, type GroupMatchingMode } from '../../domain/matching.js';
import { applyAttributeUpdate, isPlainObject } from '../../domain/properties.js';
import { BadRequestError, ValidationError } from '../../errors/index.js';
import type { Repositories } from '../../storage/ports.js';
import type { PendingGroup } from './plan.js';

/** Group fields a group property mapping may set; anything else (e.g. `is_superuser`) is ignored. */
const GROUP_FIELDS = ['name'] as const;

/** What a claimed group should look like locally. */
interface Wanted {
  id: string;
  /** The `name` property, or the id when there is none. */
  name: string;
  attributes: Record<string, unknown>;
}

/** @throws ValidationError when a mapping made `attributes` something other than an object. */
function wanted(g: PendingGroup): Wanted {
  const { name, attributes } = g.properties;
  if (attributes !== undefined && attributes !== null && !isPlainObject(attributes)) {
    throw ValidationError.field('attributes', 'Attributes must be an object.');
  }
  return {
    id: g.id,
    name: typeof name === 'string' && name.trim() !== '' ? name : g.id,
    attributes: isPlainObject(attributes) ? attributes : {},
  };
}

function nameConflict(): BadRequestError {
  return new BadRequestError(GROUP_SYNC_FAILED_MESSAGE, 'group_name_conflict');
}

export async function syncGroups(
  repos: Pick<Repositories, 'groups' | 'groupConnections'>,
  opts: { userId: number; sourceUuid: string; kind: string; mode: GroupMatchingMode; groups: PendingGroup[] },
): Promise<void> {
  const { sourceUuid, kind, mode } = opts;
  const claimed = new Map<string, Wanted>();
  for (const g of opts.groups) if (!claimed.has(g.id)) claimed.set(g.id, wanted(g));
  // Every claimed group ends up as a distinct local group carrying its name, and names are
  // unique: two claimed groups with one name cannot both be satisfied.
  const names = new Set<string>();
  for (const w of claimed.values()) {
    if (names.has(w.name)) throw nameConflict();
    names.add(w.name);
  }

  // Lookups: connections by identifier, the groups they point to, groups holding a claimed name.
  const connections = new Map((await repos.groupConnections.bySourceIdentifiers(sourceUuid, [...claimed.keys()])).map((c) => [c.identifier, c]));
  const connected = new Map((await repos.groups.byUuids([...new Set([...connections.values()].map((c) => c.groupUuid))])).map((g) => [g.uuid, g]));
  const byName = new Map((await repos.groups.byNames([...names])).map((g) => [g.name, g]));
  // Superuser rights are inherited from parent groups: which of the groups a claim could link or
  // add the user to have a superuser ancestor (the matcher refuses those as well as superuser
  // groups themselves).
  const reachable = new Set([...connected.keys(), ...[...byName.values()].map((g) => g.uuid)]);
  const inheriting = await repos.groups.inheritingSuperuser([...reachable]);

  // The matcher's decision per group, in claim order; nothing is written before all are known.
  const kept = new Map<Wanted, Group>(); // AUTH and LINK
  const links: Array<{ w: Wanted; group: Group }> = [];
  const enrolments: Wanted[] = [];
  for (const w of claimed.values()) {
    const existing = connections.get(w.id) ?? null;
    const candidate = existing ? null : (byName.get(w.name) ?? null);
    const connectedGroup = existing ? connected.get(existing.groupUuid) : undefined;
    const decision = decideGroupAction({
      existingConnection: existing
        ? {
            id: existing.id,
            groupId: existing.groupUuid,
            isSuperuser: connectedGroup?.isSuperuser,
            inheritsSuperuser: inheriting.has(existing.groupUuid),
          }
        : null,
      mode,
      name: w.name,
      candidates: candidate ? [{ id: candidate.uuid, isSuperuser: candidate.isSuperuser, inheritsSuperuser: inheriting.has(candidate.uuid) }] : [],
    });
    if (decision.action === 'auth') {
      kept.set(w, connected.get(existing!.groupUuid) as Group);
    } else if (decision.action === 'link') {
      // A group this source already reaches through another claimed id cannot be linked twice.
      if (connected.has(candidate!.uuid)) throw nameConflict();
      kept.set(w, candidate!);
      links.push({ w, group: candidate! });
    } else if (decision.action === 'enroll') {
      // identifier mode and a same-named group: creating would violate the unique name.
      if (candidate) throw nameConflict();
      enrolments.push(w);
    } else {
      // The visitor sees the generic stage error; the matcher's reason travels as the cause for logs.
      throw new BadRequestError(GROUP_SYNC_FAILED_MESSAGE, 'group_sync_denied', { cause: new Error(decision.message) });
    }
  }

  // AUTH and LINK: update_attributes (the name follows the IdP, attributes deep-merged); only
  // groups that change are written.
  const updates: Array<{ uuid: string; name: string; attributes: Record<string, unknown> }> = [];
  for (const [w, group] of kept) {
    const update = applyAttributeUpdate(
      { fields: { name: group.name }, attributes: group.attributes },
      { name: w.name, attributes: w.attributes },
      { allowedFields: GROUP_FIELDS },
    );
    if (!update.changed) continue;
    // Renamed onto the name another group holds: the unique name forbids it.
    const holder = byName.get(w.name);
    if (holder !== undefined && holder.uuid !== group.uuid) throw nameConflict();
    updates.push({ uuid: group.uuid, name: w.name, attributes: update.attributes });
  }

  await repos.groups.updateNamesAndAttributes(updates);
  const created = await repos.groups.createMany(enrolments.map((w) => ({ name: w.name, attributes: w.attributes })));
  const createdFor = new Map(enrolments.map((w, i) => [w, created[i]]));
  await repos.groupConnections.createMany([
    ...links.map(({ w, group }) => ({ kind, sourceUuid, identifier: w.id, groupUuid: group.uuid })),
    ...enrolments.map((w) => ({ kind, sourceUuid, identifier: w.id, groupUuid: (createdFor.get(w) as Group).uuid })),
  ]);

  // Membership: exactly the resolved groups among the groups connected to this source.
  const resolvedIds = [...claimed.values()].map((w) => ((kept.get(w) ?? createdFor.get(w)) as Group).uuid);
  const current = await repos.groupConnections.groupsOfUserForSource(opts.userId, sourceUuid);
  const plan = planGroupSync({ resolvedGroupIds: resolvedIds, currentSourceGroupIds: current });
  await repos.groups.removeMemberFromGroups(opts.userId, plan.remove);
  await repos.groups.addMemberToGroups(opts.userId, plan.add);
}
