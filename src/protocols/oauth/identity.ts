/**
 * Profile → connection identifier, base user properties and the group claim.
 */
import { ownValue } from '../../domain/properties.js';
import { at } from './base-properties.js';
import { oauthError, REASONS } from './errors.js';
import { isJsonObject } from './http.js';
import { entraGroupsFromMemberOf, groupNameRecord, normaliseGroupClaim } from './groups.js';
import type { NormalisedGroups } from './groups.js';
import type { ProviderType } from './provider-types.js';
import { asProviderType } from './provider-types.js';
import type { BaseUserProperties, JsonObject } from './types.js';

export interface ExtractedIdentity {
  /** Stable external id; always a non-empty string (numbers are stringified). */
  identifier: string;
  properties: BaseUserProperties;
  /** Group id → display name for every id in `properties.groups` (a null-prototype object). */
  groupNames: Record<string, string>;
  /** Group entries dropped because their id was not a string: log one configuration_error. */
  droppedGroups: number;
}

export interface IdentitySupplement {
  /** GitHub's `/emails` primary address (from fetchProfile's `fallbackEmail`). */
  fallbackEmail?: string;
  /** Names supplied by the profile step (e.g. Entra memberOf); own properties only are read. */
  groupNames?: Record<string, string>;
}

function identifierOf(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return null;
}

/** The first present candidate path wins; a present but unusable value is not skipped over. */
export function extractIdentifier(type: ProviderType | string, profile: JsonObject): string {
  const t = asProviderType(type);
  for (const path of t.identifier) {
    const value = at(profile, ...path);
    if (value === undefined || value === null) continue;
    const id = identifierOf(value);
    if (id !== null) return id;
    break;
  }
  throw oauthError(REASONS.noIdentifier, 'no_identifier');
}

function groupsOf(type: ProviderType, profile: JsonObject): NormalisedGroups | null {
  if (type.groupClaim === 'groups') {
    const claim = ownValue(profile, 'groups');
    return claim === undefined ? null : normaliseGroupClaim(claim);
  }
  if (type.groupClaim === 'entra_raw_groups') {
    const memberOf = ownValue(profile, 'raw_groups');
    return isJsonObject(memberOf) ? entraGroupsFromMemberOf(memberOf) : null;
  }
  return null;
}

export function extractIdentity(type: ProviderType | string, profile: JsonObject, supplement: IdentitySupplement = {}): ExtractedIdentity {
  const t = asProviderType(type);
  const identifier = extractIdentifier(t, profile);
  const properties = t.baseProperties(profile);
  if (properties.email === undefined && supplement.fallbackEmail) {
    properties.email = supplement.fallbackEmail;
  }
  const groups = groupsOf(t, profile);
  let groupNames = groupNameRecord();
  let droppedGroups = 0;
  if (groups) {
    properties.groups = groups.ids;
    droppedGroups = groups.dropped;
    groupNames = groupNameRecord(
      groups.ids.map((id) => {
        const supplied = ownValue(supplement.groupNames, id);
        return [id, typeof supplied === 'string' ? supplied : groups.names[id]] as const;
      }),
    );
  } else if (t.groupClaim !== null) {
    delete properties.groups; // e.g. the default type's raw profile had `groups: null`
  }
  return { identifier, properties, groupNames, droppedGroups };
}
