/** TokenRepository and SessionRepository conformance, plus how principals read tokens and sessions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/domain/entities.js';
import { NotFoundError } from '../../../src/errors/index.js';
import { principalFromSession, principalFromToken } from '../../../src/services/principal.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { startSession } from '../../../src/services/sessions.js';
import type { Repositories } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { expectValidation, q } from './support.js';

let app: TestApp;
let repos: Repositories;
let alice: User;
let bob: User;
beforeAll(async () => {
  app = await createTestApp();
  repos = app.ctx.store.repos;
  alice = await repos.users.create({ username: 'ts-alice' });
  bob = await repos.users.create({ username: 'ts-bob' });
});
afterAll(async () => app?.close());

const KEY = 'k'.repeat(20) + '0123456789abcdefghijklmnopqrstuvwxyzABCD';

describe('tokens', () => {
  it('creates, reads by identifier/uuid/key, reveals the key, updates and deletes', async () => {
    const t = await repos.tokens.create({ identifier: 'ts-one', key: KEY, intent: 'api', userId: alice.id, description: 'd', expiring: false });
    expect(t).toMatchObject({
      identifier: 'ts-one',
      intent: 'api',
      userId: alice.id,
      description: 'd',
      expiring: false,
      expires: null,
      managed: null,
    });
    expect(t).not.toHaveProperty('key');
    expect(await repos.tokens.byIdentifier('ts-one')).toEqual(t);
    expect(await repos.tokens.byUuid(t.uuid)).toEqual(t);
    expect((await repos.tokens.authenticate(KEY))?.token).toEqual(t);
    expect(await repos.tokens.authenticate(KEY)).toMatchObject({ user: { id: alice.id, username: 'ts-alice' }, isSuperuser: false });
    expect(await repos.tokens.viewKey('ts-one')).toBe(KEY);
    expect(await repos.tokens.viewKey('ts-none')).toBeNull();

    const expires = new Date('2030-01-02T03:04:05.000Z');
    const u = await repos.tokens.update('ts-one', { description: 'changed', expiring: true, expires });
    expect(u).toMatchObject({ identifier: 'ts-one', description: 'changed', expiring: true });
    expect(u.expires?.toISOString()).toBe(expires.toISOString());
    expect(await repos.tokens.update('ts-one', {})).toEqual(u);
    await expect(repos.tokens.update('ts-none', { description: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.tokens.update('ts-none', {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.tokens.delete('ts-one')).toBe(true);
    expect(await repos.tokens.delete('ts-one')).toBe(false);
    expect(await repos.tokens.authenticate(KEY)).toBeNull();
  });

  it('looks a key up exactly: the right key is found, near misses are not', async () => {
    await repos.tokens.create({ identifier: 'ts-lookup', key: KEY, intent: 'api', userId: alice.id });
    expect((await repos.tokens.authenticate(KEY))?.token.identifier).toBe('ts-lookup');
    for (const wrong of [KEY.slice(0, -1), KEY + 'x', KEY.toUpperCase(), '', ' ' + KEY, 'k']) {
      expect(await repos.tokens.authenticate(wrong), JSON.stringify(wrong)).toBeNull();
    }
    await repos.tokens.delete('ts-lookup');
  });

  it('changes the key: the old one stops working, the new one works', async () => {
    await repos.tokens.create({ identifier: 'ts-rekey', key: 'old-key-0123456789abcdef', intent: 'api', userId: alice.id });
    await repos.tokens.update('ts-rekey', { key: 'new-key-0123456789abcdef' });
    expect(await repos.tokens.authenticate('old-key-0123456789abcdef')).toBeNull();
    expect((await repos.tokens.authenticate('new-key-0123456789abcdef'))?.token.identifier).toBe('ts-rekey');
    expect(await repos.tokens.viewKey('ts-rekey')).toBe('new-key-0123456789abcdef');
    await repos.tokens.delete('ts-rekey');
  });

  it('finds managed tokens and lists with filters, search, ordering and exact totals', async () => {
    const defs = [
      ['ts-l-c', 'api', alice, 'Gamma'],
      ['ts-l-a', 'recovery', bob, 'alpha'],
      ['ts-l-b', 'app_password', alice, 'Beta'],
    ] as const;
    for (const [identifier, intent, user, description] of defs)
      await repos.tokens.create({ identifier, key: `${identifier}-key-0123456789`, intent, userId: user.id, description });
    await repos.tokens.create({
      identifier: 'ts-l-managed',
      key: 'managed-key-0123456789',
      intent: 'api',
      userId: bob.id,
      managed: 'goauthentik.io/test',
    });
    expect((await repos.tokens.byManaged('goauthentik.io/test'))?.identifier).toBe('ts-l-managed');
    expect(await repos.tokens.byManaged('goauthentik.io/none')).toBeNull();

    const mine = { field: 'identifier', value: ['ts-l-a', 'ts-l-b', 'ts-l-c', 'ts-l-managed'] };
    const all = await repos.tokens.list(q({ filters: [mine], ordering: [{ field: 'identifier', desc: true }] }));
    expect(all.total).toBe(4);
    expect(all.items.map((t) => t.identifier)).toEqual(['ts-l-managed', 'ts-l-c', 'ts-l-b', 'ts-l-a']);
    const ofAlice = await repos.tokens.list(
      q({ filters: [mine, { field: 'user', value: alice.id }], ordering: [{ field: 'identifier', desc: false }] }),
    );
    expect(ofAlice.items.map((t) => t.identifier)).toEqual(['ts-l-b', 'ts-l-c']);
    const byUsername = await repos.tokens.list(q({ filters: [mine, { field: 'user__username', value: 'ts-bob' }] }));
    expect(byUsername.total).toBe(2);
    const searched = await repos.tokens.list(q({ filters: [mine], search: 'BETA' }));
    expect(searched.items.map((t) => t.identifier)).toEqual(['ts-l-b']);
    const bySearchUser = await repos.tokens.list(q({ filters: [mine], search: 'ts-bob' }));
    expect(bySearchUser.total).toBe(2);
    const paged = await repos.tokens.list(q({ filters: [mine], ordering: [{ field: 'description', desc: false }], offset: 2, limit: 1 }));
    expect(paged.total).toBe(4);
    expect(paged.items).toHaveLength(1);
  });

  it('maps duplicate identifier, duplicate key and unknown user to ValidationErrors', async () => {
    await repos.tokens.create({ identifier: 'ts-dup', key: 'dup-key-0123456789abc', intent: 'api', userId: alice.id });
    await expectValidation(repos.tokens.create({ identifier: 'ts-dup', key: 'other-0123456789abcdef', intent: 'api', userId: alice.id }), {
      identifier: ['token with this identifier already exists.'],
    });
    await expectValidation(repos.tokens.create({ identifier: 'ts-dup-2', key: 'dup-key-0123456789abc', intent: 'api', userId: alice.id }), {
      key: ['token with this key already exists.'],
    });
    await expectValidation(repos.tokens.create({ identifier: 'ts-nouser', key: 'nouser-0123456789abcdef', intent: 'api', userId: 2_000_000_000 }), {
      user: ['Invalid pk - object does not exist.'],
    });
    expect(await repos.tokens.byIdentifier('ts-dup-2')).toBeNull();
    expect(await repos.tokens.byIdentifier('ts-nouser')).toBeNull();
  });

  it('still returns an expired token from the repository, but principalFromToken rejects it', async () => {
    const now = new Date('2030-06-01T12:00:00Z');
    const ctx: ServiceContext = { ...app.ctx, clock: { now: () => now } };
    await repos.tokens.create({
      identifier: 'ts-exp',
      key: 'expired-key-0123456789',
      intent: 'api',
      userId: alice.id,
      expiring: true,
      expires: new Date(now.getTime() - 1000),
    });
    await repos.tokens.create({ identifier: 'ts-edge', key: 'edge-key-0123456789ab', intent: 'api', userId: alice.id, expiring: true, expires: now });
    await repos.tokens.create({
      identifier: 'ts-live',
      key: 'live-key-0123456789ab',
      intent: 'api',
      userId: alice.id,
      expiring: true,
      expires: new Date(now.getTime() + 1000),
    });
    await repos.tokens.create({
      identifier: 'ts-never',
      key: 'never-key-0123456789',
      intent: 'api',
      userId: alice.id,
      expiring: false,
      expires: new Date(0),
    });
    expect((await repos.tokens.authenticate('expired-key-0123456789'))?.token.identifier).toBe('ts-exp');
    expect(await principalFromToken(ctx, 'expired-key-0123456789')).toBeNull();
    expect(await principalFromToken(ctx, 'edge-key-0123456789ab')).toBeNull();
    expect(await principalFromToken(ctx, 'live-key-0123456789ab')).toMatchObject({ user: { id: alice.id }, isSuperuser: false, via: 'token' });
    // expiring=false means the expiry date is ignored (authentik semantics).
    expect(await principalFromToken(ctx, 'never-key-0123456789')).toMatchObject({ user: { id: alice.id } });
  });

  it('authenticates only api-intent tokens of active users', async () => {
    for (const intent of ['verification', 'recovery', 'app_password'] as const) {
      await repos.tokens.create({ identifier: `ts-intent-${intent}`, key: `intent-${intent}-0123456789`, intent, userId: bob.id, expiring: false });
      expect(await principalFromToken(app.ctx, `intent-${intent}-0123456789`), intent).toBeNull();
    }
    const inactive = await repos.users.create({ username: 'ts-inactive', isActive: false });
    await repos.tokens.create({ identifier: 'ts-inactive', key: 'inactive-key-0123456789', intent: 'api', userId: inactive.id, expiring: false });
    expect(await principalFromToken(app.ctx, 'inactive-key-0123456789')).toBeNull();
    expect(await principalFromToken(app.ctx, 'no-such-key')).toBeNull();
  });

  it('deletes a user’s tokens with the user', async () => {
    const temp = await repos.users.create({ username: 'ts-temp' });
    await repos.tokens.create({ identifier: 'ts-temp', key: 'temp-key-0123456789ab', intent: 'api', userId: temp.id });
    await repos.users.delete(temp.id);
    expect(await repos.tokens.byIdentifier('ts-temp')).toBeNull();
  });
});

describe('sessions', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('puts, gets, upserts and deletes by digest, honouring expiry', async () => {
    await repos.sessions.put('digest-1', { userId: alice.id, data: { a: 1, nested: { b: [true] } }, expires: new Date(now.getTime() + 60_000) });
    expect(await repos.sessions.get('digest-1', now)).toEqual({
      userId: alice.id,
      data: { a: 1, nested: { b: [true] } },
      expires: new Date(now.getTime() + 60_000),
    });
    expect(await repos.sessions.get('digest-1', new Date(now.getTime() + 60_000))).toBeNull();
    expect(await repos.sessions.get('digest-x', now)).toBeNull();
    await repos.sessions.put('digest-1', { userId: null, data: { c: 'x' }, expires: new Date(now.getTime() + 120_000) });
    expect(await repos.sessions.get('digest-1', new Date(now.getTime() + 60_000))).toMatchObject({ userId: null, data: { c: 'x' } });
    await repos.sessions.delete('digest-1');
    expect(await repos.sessions.get('digest-1', now)).toBeNull();
  });

  it('deletes every session of one user and counts them', async () => {
    const expires = new Date(now.getTime() + 60_000);
    await repos.sessions.put('s-a1', { userId: alice.id, data: {}, expires });
    await repos.sessions.put('s-a2', { userId: alice.id, data: {}, expires });
    await repos.sessions.put('s-b1', { userId: bob.id, data: {}, expires });
    expect(await repos.sessions.deleteForUser(alice.id)).toBe(2);
    expect(await repos.sessions.deleteForUser(alice.id)).toBe(0);
    expect(await repos.sessions.get('s-b1', now)).not.toBeNull();
  });

  it('resolves a session principal only while the session lives and the user is active', async () => {
    const session = await startSession(app.ctx, repos, bob.id);
    expect(await principalFromSession(app.ctx, session.id)).toMatchObject({ user: { id: bob.id }, via: 'session' });
    expect(await principalFromSession(app.ctx, session.id + 'x')).toBeNull();
    const later: ServiceContext = { ...app.ctx, clock: { now: () => new Date(Date.now() + 25 * 3600 * 1000) } };
    expect(await principalFromSession(later, session.id)).toBeNull();
    const anonymous = await startSession(app.ctx, repos, null);
    expect(await principalFromSession(app.ctx, anonymous.id)).toBeNull();
  });
});
