/**
 * Group-claim handling (SPEC §3.4 OIDC/Okta/Entra, §2.2 step 4). Entries may be strings or
 * objects; an object is reduced to its first present key among `id`, `value`, `sub`, and its
 * display name is taken from `name`, `display` or `displayName`. Entries whose id is not usable
 * are dropped and counted, so the caller can log one `configuration_error` event instead of
 * locking the user out.
 */
import { isJsonObject } from './http.js';

export interface NormalisedGroups {
  /** Unique group identifiers, in claim order. */
  ids: string[];
  /** id → display name (the id itself when the claim carries no name). */
  names: Record<string, string>;
  /** Entries dropped because their identifier was not a string (or number). */
  dropped: number;
}

const ID_KEYS = ['id', 'value', 'sub'] as const;
const NAME_KEYS = ['name', 'display', 'displayName'] as const;

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
  const out: NormalisedGroups = { ids: [], names: {}, dropped: 0 };
  if (claim === undefined || claim === null) return out;
  const entries: unknown[] = Array.isArray(claim) ? claim : [claim];
  for (const entry of entries) {
    if (entry === null || entry === undefined) continue; // nulls are stripped upstream (§2.2 step 3)
    let id: string | null;
    let name: string | undefined;
    if (isJsonObject(entry)) {
      const key = ID_KEYS.find((k) => entry[k] !== undefined && entry[k] !== null);
      id = key ? asGroupId(entry[key]) : null;
      const nameKey = NAME_KEYS.find((k) => typeof entry[k] === 'string' && entry[k] !== '');
      name = nameKey ? (entry[nameKey] as string) : undefined;
    } else {
      id = asGroupId(entry);
    }
    if (id === null) {
      out.dropped += 1;
      continue;
    }
    if (!(id in out.names)) out.ids.push(id);
    out.names[id] = name ?? out.names[id] ?? id;
  }
  return out;
}

/**
 * Entra ID `GET /me/memberOf` response → groups. Only `#microsoft.graph.group` entries count
 * (directory roles and administrative units are skipped).
 */
export function entraGroupsFromMemberOf(memberOf: unknown): NormalisedGroups {
  const value = isJsonObject(memberOf) ? memberOf['value'] : undefined;
  if (!Array.isArray(value)) return { ids: [], names: {}, dropped: 0 };
  const groups = value.filter(
    (e) => isJsonObject(e) && e['@odata.type'] === '#microsoft.graph.group',
  );
  return normaliseGroupClaim(groups);
}
