/**
 * Failure throttling against a real database: fixed windows, independent subjects, counters
 * shared by every instance on the database, atomic counting, and the sweep of ended windows.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../src/errors/index.js';
import { sweepExpiredJob } from '../../src/services/jobs/sweep-expired.js';
import { failureThrottle, type ThrottleRule } from '../../src/services/throttle.js';
import { createTestApp, type TestApp } from '../support/app.js';

let now = new Date('2030-01-01T00:00:00Z');
const clock = { now: () => now };
const advance = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

let app: TestApp;
let other: TestApp;
beforeAll(async () => {
  app = await createTestApp({ clock });
  other = await createTestApp({ clock, shareSchemaWith: app });
}, 60_000);
afterAll(async () => {
  await other?.close();
  await app?.close();
});

const RULE: ThrottleRule = { scope: 'test', limit: 3, windowSeconds: 60 };
const rows = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM auth_throttle`.execute(app.db)).rows[0].n;

async function retryAfterOf(p: Promise<void>): Promise<number | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (e instanceof ThrottledError) return e.retryAfterSeconds;
    throw e;
  }
}

describe('failureThrottle', () => {
  it('refuses once `limit` failures fall in one window, with the time left, and opens again when the window ends', async () => {
    const t = failureThrottle(app.ctx, RULE, ['198.51.100.1', 'alice']);
    for (let i = 0; i < RULE.limit; i++) {
      expect(await retryAfterOf(t.check())).toBeNull();
      await t.fail();
      advance(5);
    }
    // The window opened at the first failure, 15 s ago.
    expect(await retryAfterOf(t.check())).toBe(45);
    advance(44);
    expect(await retryAfterOf(t.check())).toBe(1);
    advance(1);
    expect(await retryAfterOf(t.check())).toBeNull();
    // A failure after the window ended starts a new one: one failure is far from the limit.
    await t.fail();
    expect(await retryAfterOf(t.check())).toBeNull();
  });

  it('counts each subject on its own, and a clear forgets one subject only', async () => {
    const a = failureThrottle(app.ctx, RULE, ['198.51.100.2', 'bob']);
    const otherUser = failureThrottle(app.ctx, RULE, ['198.51.100.2', 'carol']);
    const otherIp = failureThrottle(app.ctx, RULE, ['198.51.100.3', 'bob']);
    const otherRule = failureThrottle(app.ctx, { ...RULE, scope: 'other' }, ['198.51.100.2', 'bob']);
    for (let i = 0; i < RULE.limit; i++) await a.fail();
    await otherUser.fail();
    expect(await retryAfterOf(a.check())).toBe(60);
    for (const t of [otherUser, otherIp, otherRule]) expect(await retryAfterOf(t.check())).toBeNull();
    await a.clear();
    expect(await retryAfterOf(a.check())).toBeNull();
    await otherUser.fail();
    await otherUser.fail();
    expect(await retryAfterOf(otherUser.check())).toBe(60);
  });

  it('is shared by every instance on the database, and counts concurrent failures exactly', async () => {
    const subject = ['198.51.100.4', 'dave'];
    const here = failureThrottle(app.ctx, { ...RULE, limit: 20 }, subject);
    const there = failureThrottle(other.ctx, { ...RULE, limit: 20 }, subject);
    await Promise.all(Array.from({ length: 19 }, (_, i) => (i % 2 ? here : there).fail()));
    expect(await retryAfterOf(there.check())).toBeNull();
    await here.fail();
    expect(await retryAfterOf(there.check())).toBe(60);
    expect(await retryAfterOf(here.check())).toBe(60);
  });

  it('keeps neither usernames nor addresses in clear', async () => {
    await failureThrottle(app.ctx, RULE, ['203.0.113.77', 'erin-the-user']).fail();
    const dump = JSON.stringify((await sql`SELECT * FROM auth_throttle`.execute(app.db)).rows);
    expect(dump).not.toContain('erin-the-user');
    expect(dump).not.toContain('203.0.113.77');
  });

  it('the sweep job deletes ended windows and keeps open ones', async () => {
    await failureThrottle(app.ctx, RULE, ['198.51.100.5', 'old']).fail();
    advance(RULE.windowSeconds + 1);
    const open = failureThrottle(app.ctx, RULE, ['198.51.100.5', 'open']);
    for (let i = 0; i < RULE.limit; i++) await open.fail();
    await sweepExpiredJob(app.ctx).run();
    expect(await rows()).toBe(1);
    expect(await retryAfterOf(open.check())).toBe(60);
  });
});
