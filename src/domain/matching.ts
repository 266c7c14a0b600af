/**
 * The flow manager's decision table (docs/behaviour.md#flow-manager-the-decision-table) as pure
 * functions.
 *
 * Deliberately safer than authentik (docs/behaviour.md#deliberate-deviations-from-authentik):
 * - a logged-in user whose external identity is connected to *another* account is refused
 *   instead of being switched to that account;
 * - automatic linking (`*_link`) never targets superusers, inactive users or service accounts,
 *   never picks "the first" of several matches, and `email_link` only trusts emails the source
 *   vouches for.
 * The caller looks up the connection and the candidates (exact, case-sensitive equality on the
 * property named by `matchingProperty`) and acts on the returned decision.
 */

export const USER_MATCHING_MODES = ['identifier', 'email_link', 'email_deny', 'username_link', 'username_deny'] as const;
export type UserMatchingMode = (typeof USER_MATCHING_MODES)[number];
export const GROUP_MATCHING_MODES = ['identifier', 'name_link', 'name_deny'] as const;
export type GroupMatchingMode = (typeof GROUP_MATCHING_MODES)[number];

export function isUserMatchingMode(value: unknown): value is UserMatchingMode {
  return typeof value === 'string' && (USER_MATCHING_MODES as readonly string[]).includes(value);
}
export function isGroupMatchingMode(value: unknown): value is GroupMatchingMode {
  return typeof value === 'string' && (GROUP_MATCHING_MODES as readonly string[]).includes(value);
}

export type EntityId = string | number;
export type MatchAction = 'auth' | 'link' | 'enroll' | 'deny';
export type DenyReason = 'missing_property' | 'already_linked_elsewhere' | 'ambiguous' | 'unsafe_link_target' | 'unverified_email' | 'exists';
export type MatchProperty = 'email' | 'username' | 'name';

export interface MatchDecision {
  action: MatchAction;
  /** auth/link: the user to log in or link. Absent for enroll and deny. */
  userId?: EntityId;
  /** deny only. */
  reason?: DenyReason;
  /** deny `missing_property` (and the property a deny is about). */
  property?: MatchProperty;
  /** deny: text for the access-denied page; otherwise a short description for logs. */
  message: string;
  /** deny `unsafe_link_target`: why, for logs/events only (never shown to the visitor). */
  detail?: string;
}

export interface UserCandidate {
  id: EntityId;
  isActive: boolean;
  isSuperuser: boolean;
  /** `internal` | `external` | `service_account` | `internal_service_account` */
  type: string;
}

export interface UserMatchInput {
  /** Display name of the source, used in messages. */
  sourceName: string;
  /** The logged-in user of this browser, or null when anonymous. */
  viewer: { userId: EntityId } | null;
  /** First user connection with (this source, identifier). */
  existingConnection: { id: EntityId; userId: EntityId } | null;
  mode: UserMatchingMode;
  properties: { email?: unknown; username?: unknown };
  /** Whether the source vouches for the email; null = the source cannot tell (SAML, generic). */
  emailVerified: boolean | null;
  /** Treat `emailVerified === null` as verified (admin opt-in for IdPs known to verify). */
  trustUnverifiedEmail?: boolean;
  /** Users whose email (resp. username) is exactly equal to the property. */
  candidates: readonly UserCandidate[];
}

const SERVICE_ACCOUNT_TYPES: ReadonlySet<string> = new Set(['service_account', 'internal_service_account']);

/** The property a mode matches on, or null for `identifier`. */
export function matchingProperty(mode: UserMatchingMode): 'email' | 'username' | null {
  if (mode === 'email_link' || mode === 'email_deny') return 'email';
  if (mode === 'username_link' || mode === 'username_deny') return 'username';
  return null;
}

/**
 * The value the caller must look candidates up by (exact equality), or null when the mode does
 * not match on a property or the property is missing, not a string, or blank.
 */
export function matchingValue(mode: UserMatchingMode, properties: UserMatchInput['properties']): string | null {
  const property = matchingProperty(mode);
  if (property === null) return null;
  return usableString(properties[property]);
}

function usableString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

const PROPERTY_LABEL: Readonly<Record<MatchProperty, string>> = {
  email: 'email address',
  username: 'username',
  name: 'group name',
};

/** authentik's access-denied text for an existing account. */
export function deniedMessage(sourceName: string): string {
  return `Request to authenticate with ${sourceName} has been denied. ` + "Please authenticate with the source you've previously signed up with.";
}

export const GROUP_SYNC_FAILED_MESSAGE = 'Failed to update groups. Please try again later.';

function deny(reason: DenyReason, message: string, extra: Partial<MatchDecision> = {}): MatchDecision {
  return { action: 'deny', reason, message, ...extra };
}

function missingProperty(sourceName: string, property: MatchProperty): MatchDecision {
  return deny(
    'missing_property',
    `Request to authenticate with ${sourceName} has been denied: ${sourceName} did not provide ` +
      `your ${PROPERTY_LABEL[property]}, which is needed to find your account.`,
    { property },
  );
}

function unsafeTargetDetail(candidate: UserCandidate): string | null {
  if (candidate.isSuperuser) return 'the matching user is a superuser';
  if (!candidate.isActive) return 'the matching user is inactive';
  if (SERVICE_ACCOUNT_TYPES.has(candidate.type)) return `the matching user is a ${candidate.type}`;
  return null;
}

function decideLoggedIn(input: UserMatchInput, viewerId: EntityId): MatchDecision {
  const { existingConnection: conn, sourceName } = input;
  if (conn === null) {
    return { action: 'link', userId: viewerId, message: `Link ${sourceName} to the logged-in user.` };
  }
  if (String(conn.userId) === String(viewerId)) {
    return { action: 'auth', userId: conn.userId, message: `Authenticate the logged-in user with ${sourceName}.` };
  }
  // authentik would switch the browser to the connection owner; we refuse.
  return deny(
    'already_linked_elsewhere',
    `This ${sourceName} account is already connected to a different user. ` +
      `Log out and sign in with ${sourceName} to use that user, or disconnect it there first.`,
  );
}

function decideLink(input: UserMatchInput, property: 'email' | 'username'): MatchDecision {
  const { sourceName, candidates } = input;
  if (property === 'email') {
    const verified = input.emailVerified === true || (input.emailVerified === null && input.trustUnverifiedEmail === true);
    if (!verified) {
      return deny(
        'unverified_email',
        `Request to authenticate with ${sourceName} has been denied: ${sourceName} did not confirm that ` +
          'this email address belongs to you, so it cannot be used to sign in to an existing account. ' +
          `Sign in another way and connect ${sourceName} from your user settings.`,
        { property },
      );
    }
  }
  if (candidates.length > 1) {
    return deny(
      'ambiguous',
      `Request to authenticate with ${sourceName} has been denied: several users share this ` + `${PROPERTY_LABEL[property]}; ask an administrator.`,
      { property },
    );
  }
  const target = candidates[0];
  const unsafe = unsafeTargetDetail(target);
  if (unsafe !== null) {
    return deny(
      'unsafe_link_target',
      `Request to authenticate with ${sourceName} has been denied: the existing account with this ` +
        `${PROPERTY_LABEL[property]} cannot be connected automatically. Sign in another way and ` +
        `connect ${sourceName} from your user settings, or ask an administrator.`,
      { property, detail: unsafe },
    );
  }
  return { action: 'link', userId: target.id, message: `Link ${sourceName} to the user with the same ${property}.` };
}

/** authentik's `get_action` for a logged-in and an anonymous browser, with the safety rules above. */
export function decideUserAction(input: UserMatchInput): MatchDecision {
  const { sourceName, existingConnection: conn, mode } = input;
  if (input.viewer !== null) return decideLoggedIn(input, input.viewer.userId);
  // 1. A connection for this identifier exists.
  if (conn !== null) return { action: 'auth', userId: conn.userId, message: `Authenticate with ${sourceName}.` };
  const property = matchingProperty(mode);
  // 2. Only the identifier is trusted.
  if (property === null) return { action: 'enroll', message: `Enroll a new user from ${sourceName}.` };
  // 3./4. The matching property is missing.
  if (matchingValue(mode, input.properties) === null) return missingProperty(sourceName, property);
  // 5. Nobody has it.
  if (input.candidates.length === 0) return { action: 'enroll', message: `Enroll a new user from ${sourceName}.` };
  // 6. Link (guarded).
  if (mode === 'email_link' || mode === 'username_link') return decideLink(input, property);
  // 7. *_deny with a match.
  return deny('exists', deniedMessage(sourceName), { property });
}

/**
 * Whether membership of a group makes a user superuser: the group's own `is_superuser`, or that of
 * any ancestor through `parent` (superuser rights are inherited by child groups).
 */
export interface SuperuserGrant {
  /** The group's own `is_superuser`. */
  isSuperuser?: boolean;
  /** Some ancestor of the group (its parent, the parent's parent, …) has `is_superuser`. */
  inheritsSuperuser?: boolean;
}

export interface GroupCandidate extends SuperuserGrant {
  id: EntityId;
}

export interface GroupMatchInput {
  sourceName?: string;
  /**
   * Group connection with (this source, group identifier), with whether the connected group grants
   * superuser (an admin may have made it, or a parent of it, a superuser group after it was linked).
   */
  existingConnection: ({ id: EntityId; groupId: EntityId } & SuperuserGrant) | null;
  mode: GroupMatchingMode;
  /** `props.name` of the group properties. */
  name: unknown;
  /** Groups whose name is exactly equal to `name`. */
  candidates: readonly GroupCandidate[];
}

export interface GroupMatchDecision {
  action: MatchAction;
  groupId?: EntityId;
  reason?: DenyReason;
  property?: 'name';
  /** For logs; the stage error shown to the user is GROUP_SYNC_FAILED_MESSAGE. */
  message: string;
}

function grantsSuperuser(group: SuperuserGrant): boolean {
  return group.isSuperuser === true || group.inheritsSuperuser === true;
}

function superuserGroupDenied(name: string, source: string): GroupMatchDecision {
  return {
    action: 'deny',
    reason: 'unsafe_link_target',
    property: 'name',
    message: `Group '${name}' grants superuser rights (itself or through a parent group); ${source} may not link it or add members to it.`,
  };
}

/**
 * Group matching: the same algorithm over Group with the single property `name`. A group that
 * grants superuser — by its own flag or an ancestor's — is never linked and never gains members
 * from a source's claim, so an IdP cannot make anyone superuser.
 */
export function decideGroupAction(input: GroupMatchInput): GroupMatchDecision {
  const source = input.sourceName ?? 'the source';
  if (input.existingConnection !== null) {
    if (grantsSuperuser(input.existingConnection)) return superuserGroupDenied(String(input.name), source);
    return { action: 'auth', groupId: input.existingConnection.groupId, message: 'Group already connected.' };
  }
  if (input.mode === 'identifier') return { action: 'enroll', message: 'Create a new group.' };
  const name = usableString(input.name);
  if (name === null) {
    return { action: 'deny', reason: 'missing_property', property: 'name', message: `${source} did not provide a group name.` };
  }
  if (input.candidates.length === 0) return { action: 'enroll', message: 'Create a new group.' };
  if (input.mode === 'name_deny') {
    return { action: 'deny', reason: 'exists', property: 'name', message: `A group named '${name}' already exists.` };
  }
  if (input.candidates.length > 1) {
    return { action: 'deny', reason: 'ambiguous', property: 'name', message: `Several groups are named '${name}'.` };
  }
  const target = input.candidates[0];
  if (grantsSuperuser(target)) return superuserGroupDenied(name, source);
  return { action: 'link', groupId: target.id, message: `Link the existing group '${name}'.` };
}

export interface GroupSyncPlan {
  /** Groups to add the user to (adding an existing membership must be a no-op in storage). */
  add: string[];
  /** Groups connected to this source that the claim no longer lists. */
  remove: string[];
  /** Source groups the user stays in. */
  keep: string[];
}

/**
 * The user ends up in exactly the resolved groups among the groups connected
 * to THIS source; groups not connected to this source are never in `remove`.
 * @param resolvedGroupIds groups resolved from the claim in this login
 * @param currentSourceGroupIds the user's current groups that have a connection to this source
 */
export function planGroupSync(input: { resolvedGroupIds: readonly EntityId[]; currentSourceGroupIds: readonly EntityId[] }): GroupSyncPlan {
  const resolved = [...new Set(input.resolvedGroupIds.map(String))];
  const current = [...new Set(input.currentSourceGroupIds.map(String))];
  const resolvedSet = new Set(resolved);
  const currentSet = new Set(current);
  return {
    add: resolved.filter((id) => !currentSet.has(id)),
    remove: current.filter((id) => !resolvedSet.has(id)),
    keep: current.filter((id) => resolvedSet.has(id)),
  };
}
