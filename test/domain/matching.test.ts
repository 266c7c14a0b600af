import { describe, expect, it } from 'vitest';
import {
  GROUP_SYNC_FAILED_MESSAGE,
  USER_MATCHING_MODES,
  decideGroupAction,
  decideUserAction,
  deniedMessage,
  isGroupMatchingMode,
  isUserMatchingMode,
  matchingProperty,
  matchingValue,
  planGroupSync,
} from '../../src/domain/matching.js';
import type { UserCandidate, UserMatchInput, UserMatchingMode } from '../../src/domain/matching.js';

const SOURCE = 'GitHub';
const alice: UserCandidate = { id: 10, isActive: true, isSuperuser: false, type: 'internal' };
const bob: UserCandidate = { id: 11, isActive: true, isSuperuser: false, type: 'external' };

function input(overrides: Partial<UserMatchInput>): UserMatchInput {
  return {
    sourceName: SOURCE,
    viewer: null,
    existingConnection: null,
    mode: 'identifier',
    properties: { email: 'alice@example.com', username: 'alice' },
    emailVerified: true,
    candidates: [],
    ...overrides,
  };
}

describe('mode helpers', () => {
  it('recognise modes and their matching property', () => {
    expect(isUserMatchingMode('email_link')).toBe(true);
    expect(isUserMatchingMode('name_link')).toBe(false);
    expect(isGroupMatchingMode('name_deny')).toBe(true);
    expect(isGroupMatchingMode('email_link')).toBe(false);
    expect(matchingProperty('identifier')).toBeNull();
    expect(matchingProperty('email_deny')).toBe('email');
    expect(matchingProperty('username_link')).toBe('username');
    expect(matchingValue('email_link', { email: 'a@x' })).toBe('a@x');
    expect(matchingValue('email_link', { email: '  ' })).toBeNull();
    expect(matchingValue('username_link', { username: 42 })).toBeNull();
    expect(matchingValue('identifier', { email: 'a@x' })).toBeNull();
  });
});

describe('decideUserAction — logged-in browser', () => {
  const viewer = { userId: 10 };

  it.each(USER_MATCHING_MODES)('%s: own connection → auth', (mode) => {
    const d = decideUserAction(input({ mode, viewer, existingConnection: { id: 1, userId: 10 } }));
    expect(d).toMatchObject({ action: 'auth', userId: 10 });
    expect(d.reason).toBeUndefined();
  });

  it.each(USER_MATCHING_MODES)('%s: connection of another user → deny already_linked_elsewhere', (mode) => {
    const d = decideUserAction(input({ mode, viewer, existingConnection: { id: 1, userId: 99 } }));
    expect(d).toMatchObject({ action: 'deny', reason: 'already_linked_elsewhere' });
    expect(d.userId).toBeUndefined();
    expect(d.message).toContain('already connected to a different user');
    expect(d.message).toContain(SOURCE);
  });

  it.each(USER_MATCHING_MODES)('%s: no connection → link to the viewer, whatever the properties', (mode) => {
    const d = decideUserAction(input({ mode, viewer, properties: {}, emailVerified: false, candidates: [{ ...bob, isSuperuser: true }, alice] }));
    expect(d).toMatchObject({ action: 'link', userId: 10 });
  });

  it('compares ids across string/number representations', () => {
    const d = decideUserAction(input({ viewer: { userId: '10' }, existingConnection: { id: 1, userId: 10 } }));
    expect(d.action).toBe('auth');
  });
});

describe('decideUserAction — anonymous browser', () => {
  // Row 1
  it.each(USER_MATCHING_MODES)('%s: connection exists → auth as its owner (row 1)', (mode) => {
    const d = decideUserAction(input({ mode, existingConnection: { id: 1, userId: 42 }, properties: {}, candidates: [alice, bob] }));
    expect(d).toMatchObject({ action: 'auth', userId: 42 });
  });

  // Row 2
  it('identifier: no connection → enroll, even when users share the email (row 2)', () => {
    expect(decideUserAction(input({ mode: 'identifier', candidates: [alice] }))).toMatchObject({ action: 'enroll' });
    expect(decideUserAction(input({ mode: 'identifier', properties: {} })).action).toBe('enroll');
  });

  // Rows 3 and 4
  it.each([
    ['email_link', 'email'],
    ['email_deny', 'email'],
    ['username_link', 'username'],
    ['username_deny', 'username'],
  ] as const)('%s: missing %s → deny missing_property (rows 3/4)', (mode, property) => {
    for (const properties of [{}, { [property]: '' }, { [property]: null }, { [property]: ['x'] }]) {
      const d = decideUserAction(input({ mode, properties, candidates: [alice] }));
      expect(d).toMatchObject({ action: 'deny', reason: 'missing_property', property });
      expect(d.message).toContain(property === 'email' ? 'email address' : 'username');
      expect(d.message).toContain(SOURCE);
    }
  });

  it('only the property of the mode is required', () => {
    expect(decideUserAction(input({ mode: 'email_link', properties: { email: 'a@x' } })).action).toBe('enroll');
    expect(decideUserAction(input({ mode: 'username_deny', properties: { username: 'a' } })).action).toBe('enroll');
  });

  // Row 5
  it.each(['email_link', 'email_deny', 'username_link', 'username_deny'] as const)('%s: no matching user → enroll (row 5)', (mode) => {
    expect(decideUserAction(input({ mode, candidates: [], emailVerified: false }))).toMatchObject({ action: 'enroll' });
  });

  // Row 6
  it('email_link: verified email of one regular user → link (row 6)', () => {
    expect(decideUserAction(input({ mode: 'email_link', candidates: [alice] }))).toMatchObject({
      action: 'link',
      userId: 10,
    });
  });

  it('username_link: one regular user → link, email verification irrelevant (row 6)', () => {
    expect(decideUserAction(input({ mode: 'username_link', emailVerified: false, candidates: [bob] }))).toMatchObject({
      action: 'link',
      userId: 11,
    });
  });

  // Row 7
  it.each(['email_deny', 'username_deny'] as const)('%s: match exists → deny exists with the authentik text', (mode) => {
    const d = decideUserAction(input({ mode, candidates: [alice] }));
    expect(d).toMatchObject({ action: 'deny', reason: 'exists' });
    expect(d.message).toBe(
      "Request to authenticate with GitHub has been denied. Please authenticate with the source you've previously signed up with.",
    );
    expect(d.message).toBe(deniedMessage(SOURCE));
  });

  it('*_deny denies even superuser/inactive matches (no link happens)', () => {
    const d = decideUserAction(input({ mode: 'email_deny', emailVerified: false, candidates: [{ ...alice, isSuperuser: true }] }));
    expect(d.reason).toBe('exists');
  });
});

describe('decideUserAction — safety refusals', () => {
  it.each(['email_link', 'username_link'] as const)('%s: several matches → deny ambiguous, never the first', (mode) => {
    const d = decideUserAction(input({ mode, candidates: [alice, bob] }));
    expect(d).toMatchObject({ action: 'deny', reason: 'ambiguous' });
    expect(d.userId).toBeUndefined();
    expect(d.message).toMatch(/several users share this (email address|username); ask an administrator/);
  });

  const unsafe: Array<[string, UserCandidate, string]> = [
    ['superuser', { ...alice, isSuperuser: true }, 'superuser'],
    ['inactive user', { ...alice, isActive: false }, 'inactive'],
    ['service account', { ...alice, type: 'service_account' }, 'service_account'],
    ['internal service account', { ...alice, type: 'internal_service_account' }, 'internal_service_account'],
  ];
  for (const mode of ['email_link', 'username_link'] as const) {
    it.each(unsafe)(`${mode}: never links to a %s`, (_label, candidate, detail) => {
      const d = decideUserAction(input({ mode, candidates: [candidate] }));
      expect(d).toMatchObject({ action: 'deny', reason: 'unsafe_link_target' });
      expect(d.userId).toBeUndefined();
      expect(d.detail).toContain(detail);
      expect(d.message).toContain('cannot be connected automatically');
      // The visitor is not told *why* (that would reveal who is an administrator).
      expect(d.message).not.toMatch(/superuser|inactive|service/);
    });
  }

  it.each([
    ['false', false, undefined],
    ['null without trust', null, undefined],
    ['null with trust explicitly off', null, false],
  ] as const)('email_link: emailVerified %s → deny unverified_email', (_label, emailVerified, trust) => {
    const d = decideUserAction(input({ mode: 'email_link', emailVerified, trustUnverifiedEmail: trust, candidates: [alice] }));
    expect(d).toMatchObject({ action: 'deny', reason: 'unverified_email', property: 'email' });
    expect(d.message).toContain('did not confirm');
  });

  it('email_link: null verification is trusted only with trustUnverifiedEmail', () => {
    const d = decideUserAction(input({ mode: 'email_link', emailVerified: null, trustUnverifiedEmail: true, candidates: [alice] }));
    expect(d).toMatchObject({ action: 'link', userId: 10 });
  });

  it('email_link: trust never overrides an explicit "unverified"', () => {
    const d = decideUserAction(input({ mode: 'email_link', emailVerified: false, trustUnverifiedEmail: true, candidates: [alice] }));
    expect(d.reason).toBe('unverified_email');
  });

  it('every deny message names the source', () => {
    const denies = [
      decideUserAction(input({ mode: 'email_link', candidates: [alice, bob] })),
      decideUserAction(input({ mode: 'email_link', candidates: [{ ...alice, isActive: false }] })),
      decideUserAction(input({ mode: 'email_link', emailVerified: false, candidates: [alice] })),
      decideUserAction(input({ mode: 'email_deny', properties: {} })),
    ];
    for (const d of denies) {
      expect(d.action).toBe('deny');
      expect(d.message).toContain('Request to authenticate with GitHub has been denied');
    }
  });
});

describe('decideGroupAction', () => {
  const base = { existingConnection: null, name: 'admins', candidates: [] as Array<{ id: string; isSuperuser?: boolean }> };

  it.each(['identifier', 'name_link', 'name_deny'] as const)('%s: existing connection → auth', (mode) => {
    const d = decideGroupAction({ ...base, mode, existingConnection: { id: 1, groupId: 'g1' }, candidates: [{ id: 'g2' }] });
    expect(d).toMatchObject({ action: 'auth', groupId: 'g1' });
  });

  it('identifier: no connection → enroll even when the name exists', () => {
    expect(decideGroupAction({ ...base, mode: 'identifier', candidates: [{ id: 'g2' }] }).action).toBe('enroll');
  });

  it.each(['name_link', 'name_deny'] as const)('%s: no group with that name → enroll', (mode) => {
    expect(decideGroupAction({ ...base, mode }).action).toBe('enroll');
  });

  it.each(['name_link', 'name_deny'] as const)('%s: missing name → deny missing_property', (mode) => {
    for (const name of [undefined, '', 5]) {
      expect(decideGroupAction({ ...base, mode, name, candidates: [{ id: 'g2' }] })).toMatchObject({
        action: 'deny',
        reason: 'missing_property',
        property: 'name',
      });
    }
  });

  it('name_link: existing group → link', () => {
    expect(decideGroupAction({ ...base, mode: 'name_link', candidates: [{ id: 'g2' }] })).toMatchObject({
      action: 'link',
      groupId: 'g2',
    });
  });

  it('name_link: refuses superuser groups and ambiguity', () => {
    expect(decideGroupAction({ ...base, mode: 'name_link', candidates: [{ id: 'g2', isSuperuser: true }] })).toMatchObject({
      action: 'deny',
      reason: 'unsafe_link_target',
    });
    expect(decideGroupAction({ ...base, mode: 'name_link', candidates: [{ id: 'a' }, { id: 'b' }] })).toMatchObject({
      action: 'deny',
      reason: 'ambiguous',
    });
  });

  it('name_link: refuses a group that inherits superuser from an ancestor', () => {
    expect(
      decideGroupAction({ ...base, mode: 'name_link', candidates: [{ id: 'child', isSuperuser: false, inheritsSuperuser: true }] }),
    ).toMatchObject({
      action: 'deny',
      reason: 'unsafe_link_target',
      property: 'name',
    });
    expect(
      decideGroupAction({ ...base, mode: 'name_link', candidates: [{ id: 'child', isSuperuser: false, inheritsSuperuser: false }] }),
    ).toMatchObject({
      action: 'link',
      groupId: 'child',
    });
  });

  it.each(['identifier', 'name_link', 'name_deny'] as const)('%s: a connected group that grants superuser gains no members → deny', (mode) => {
    for (const grant of [{ isSuperuser: true }, { inheritsSuperuser: true }]) {
      expect(decideGroupAction({ ...base, mode, existingConnection: { id: 1, groupId: 'g1', ...grant } })).toMatchObject({
        action: 'deny',
        reason: 'unsafe_link_target',
      });
    }
  });

  it('name_deny: existing group → deny exists', () => {
    expect(decideGroupAction({ ...base, mode: 'name_deny', candidates: [{ id: 'g2' }] })).toMatchObject({
      action: 'deny',
      reason: 'exists',
    });
    expect(GROUP_SYNC_FAILED_MESSAGE).toBe('Failed to update groups. Please try again later.');
  });
});

describe('planGroupSync', () => {
  it('adds new claim groups and removes stale source groups only', () => {
    const plan = planGroupSync({ resolvedGroupIds: ['a', 'b', 'c'], currentSourceGroupIds: ['b', 'd'] });
    expect(plan).toEqual({ add: ['a', 'c'], remove: ['d'], keep: ['b'] });
  });

  it('an empty claim removes the user from every group of this source', () => {
    expect(planGroupSync({ resolvedGroupIds: [], currentSourceGroupIds: ['x', 'y'] })).toEqual({
      add: [],
      remove: ['x', 'y'],
      keep: [],
    });
  });

  it('never touches groups it was not told about, de-duplicates and normalises ids', () => {
    const plan = planGroupSync({ resolvedGroupIds: [1, '1', 2], currentSourceGroupIds: [2, 2] });
    expect(plan).toEqual({ add: ['1'], remove: [], keep: ['2'] });
  });

  it('is a no-op when the claim equals the current source groups', () => {
    expect(planGroupSync({ resolvedGroupIds: ['a'], currentSourceGroupIds: ['a'] })).toEqual({
      add: [],
      remove: [],
      keep: ['a'],
    });
  });
});

// Keep the mode list honest: if a mode is added, the tables above must grow with it.
it('covers exactly the five user matching modes', () => {
  const modes: UserMatchingMode[] = ['identifier', 'email_link', 'email_deny', 'username_link', 'username_deny'];
  expect([...USER_MATCHING_MODES]).toEqual(modes);
});
