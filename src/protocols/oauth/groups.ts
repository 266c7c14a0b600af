/**
 * Group-claim handling (OIDC/Okta `groups`, Entra `memberOf`). Entries may be strings or
 * objects; an object is reduced to its first present key among `id`, `value`, `sub`, and its
 * display name is taken from `name`, `display` or `displayName`. Entries whose id is not usable
 * are dropped and counted, so the caller can log one `configuration_error` event instead of
 * locking the user out.
 *
 * Group ids are chosen by the IdP: "constructor", "toString" or "__proto__" are ids like any
 * other. Lookups go through a Map and `names` has no prototype, so no id can collide with an
 * Object.prototype member.
 */
import { ownValue } from '../../domain/properties.js';
import { isJsonObject } from './http.js';

export interface NormalisedGroups {
  /** Unique group identifiers, in claim order. */
  ids: string[];
  /** id → display name (the id itself when the claim carries no name); a null-prototype object. */
  names: Record<string, string>;
  /** Entries dropped because their identifier was not a string (or number). */
  dropped: number;
}

const ID_KEYS = ['id', 'value', 'sub'] as const;
const NAME_KEYS = ['name', 'display', 'displayName'] as const;

/** An id → name record without a prototype: every key read from it is one that was written. */
export function groupNameRecord(entries: Iterable<readonly [string, string]> = []): Record<string, string> {
  const record = Object.create(null) as Record<string, string>;
  for (const [id, name] of entries) record[id] = name;
  return record;
}

/**
 * Numbers are stringified (they are valid map keys in the reference implementation); anything
 * else that is not a non-empty string is unusable.
 */
function asGroupId(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function normaliseGroupClaim(claim: unknown): NormalisedGroups {
  const names = new Map<string, string>();
  let dropped = 0;
  if (claim !== undefined && claim !== null) {
    const entries: unknown[] = Array.isArray(claim) ? claim : [claim];
    for (const entry of entries) {
      if (entry === null || entry === undefined) continue; // nulls are stripped upstream
      let id: string | null;
      let name: string | undefined;
      if (isJsonObject(entry)) {
        const key = ID_KEYS.find((k) => ownValue(entry, k) !== undefined && ownValue(entry, k) !== null);
        id = key ? asGroupId(ownValue(entry, key)) : null;
        const nameKey = NAME_KEYS.find((k) => typeof ownValue(entry, k) === 'string' && ownValue(entry, k) !== '');
        name = nameKey ? (ownValue(entry, nameKey) as string) : undefined;
      } else {
        id = asGroupId(entry);
      }
      if (id === null) {
        dropped += 1;
        continue;
      }
      // The first entry fixes the position; a later entry may still supply the name.
      names.set(id, name ?? names.get(id) ?? id);
    }
  }
  return { ids: [...names.keys()], names: groupNameRecord(names), dropped };
}

/**
 * Entra ID `GET /me/memberOf` response → groups. Only `#microsoft.graph.group` entries count
 * (directory roles and administrative units are skipped).
 */
export function entraGroupsFromMemberOf(memberOf: unknown): NormalisedGroups {
  const value = isJsonObject(memberOf) ? ownValue(memberOf, 'value') : undefined;
  if (!Array.isArray(value)) return { ids: [], names: groupNameRecord(), dropped: 0 };
  const groups = value.filter((e) => isJsonObject(e) && ownValue(e, '@odata.type') === '#microsoft.graph.group');
  return normaliseGroupClaim(groups);
}
