/** The expiry sweep deletes what has expired — flow state, replay entries, sessions, events — and nothing else. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredJob } from '../../../src/services/jobs/sweep-expired.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const count = async (table: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(app.db)).rows[0].n;

describe('sweep-expired job', () => {
  it('removes expired rows of every swept table and keeps live ones', async () => {
    const repos = app.ctx.store.repos;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    for (const [i, expires] of [past, future].entries()) {
      await repos.flowStates.put(`fs-${i}`, { kind: 'oauth', sessionDigest: 'd', sourceUuid: null, data: {}, expires });
      await repos.replayCache.remember(`rc-${i}`, expires, new Date(0));
      await repos.sessions.put(`s-${i}`, { userId: null, data: {}, expires });
    }
    await repos.events.record({ action: 'sweep-test' });
    await sql`INSERT INTO events (action, expires) VALUES ('sweep-test-old', ${past})`.execute(app.db);
    const before = {
      flow: await count('flow_states'),
      replay: await count('replay_cache'),
      sessions: await count('sessions'),
      events: await count('events'),
    };

    expect(await sweepExpiredJob(app.ctx).run()).toBe(4);
    expect(await count('flow_states')).toBe(before.flow - 1);
    expect(await count('replay_cache')).toBe(before.replay - 1);
    expect(await count('sessions')).toBe(before.sessions - 1);
    expect(await count('events')).toBe(before.events - 1);
    expect((await repos.events.recent('sweep-test', 5)).length).toBe(1);
  });

  it('refuses an advisory lock outside a transaction (it would be released at once)', async () => {
    await expect(app.ctx.store.repos.settings.lock('x')).rejects.toThrow('needs a transaction');
    await app.ctx.store.transaction((repos) => repos.settings.lock('x'));
  });
});
