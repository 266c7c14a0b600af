/**
 * Simultaneous member PATCHes on one group lose nothing: member changes are set operations in
 * SQL and every group write queues on the group's link-row lock (services/scim/patch-group.ts).
 * The full 1,000-operation run needs real concurrency, i.e. PostgreSQL; PGlite (one session)
 * runs a smaller version of the same scenario.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { DB_KIND } from '../../../support/db.js';
import { authenticateScim, patchScimGroup, WriteQueue, type ScimDeps } from '../../../../src/sources/scim/provisioning.js';
import { createScimSource, patch, scimClient, type ScimCall, type TestScimSource } from './support.js';

let app: TestApp;
let source: TestScimSource;
let scim: ScimCall;

beforeAll(async () => {
  app = await createTestApp();
  source = await createScimSource(app);
  scim = scimClient(app, source);
});
afterAll(async () => app?.close());

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * `operations` PATCHes at once on one group: the first half of the users is added (a tenth of
 * them twice, in separate requests), the second half — members beforehand — is removed.
 * `send` defaults to HTTP; the cross-instance variant calls the use case directly.
 */
async function scenario(name: string, operations: number, send?: (groupId: string, body: unknown) => Promise<number>): Promise<void> {
  const ids: string[] = new Array(operations);
  await inBatches([...ids.keys()], 25, async (i) => {
    const r = await scim('POST', '/Users', { userName: `${name}-${i}` });
    expect(r.status).toBe(201);
    ids[i] = r.body.id;
  });
  const half = operations / 2;
  const group = (await scim('POST', '/Groups', { displayName: name, members: ids.slice(half).map((value) => ({ value })) })).body;
  expect(group.members).toHaveLength(half);

  const requests = ids.map((id, i) =>
    i < half ? patch({ op: 'Add', path: 'members', value: [{ value: id }] }) : patch({ op: 'Remove', path: `members[value eq "${id}"]` }),
  );
  for (let i = 0; i < half; i += 10) requests.push(patch({ op: 'add', path: 'members', value: [{ value: ids[i] }] }));
  const viaHttp = (groupId: string, body: unknown) => scim('PATCH', `/Groups/${groupId}?excludedAttributes=members`, body).then((r) => r.status);
  const statuses = await Promise.all(requests.map((body) => (send ?? viaHttp)(group.id, body)));
  expect(statuses.filter((s) => s !== 200)).toEqual([]);

  const final = (await scim('GET', `/Groups/${group.id}`)).body.members.map((m: { value: string }) => m.value).sort();
  expect(final).toEqual(ids.slice(0, half).sort());
  const stored = await app.ctx.store.repos.groups.memberIds([group.id]);
  expect(stored.get(group.id)).toHaveLength(half);
}

describe('concurrent group PATCHes', () => {
  it.skipIf(DB_KIND === 'pglite')(
    '1,000 simultaneous add/remove operations on one group end with exactly the expected members (PostgreSQL)',
    async () => {
      await scenario('big-group', 1000);
    },
    120_000,
  );

  it('a smaller concurrent run on any database', async () => {
    await scenario('small-group', 60);
  }, 60_000);

  it('without the in-process queue (as from several instances) the database alone keeps the set exact', async () => {
    const store = app.ctx.store;
    const deps: ScimDeps = { store, mappings: app.ctx.mappings, clock: app.ctx.clock, queue: new WriteQueue() };
    const caller = await authenticateScim(deps, source.slug, `Bearer ${source.key}`);
    const view = { baseUrl: 'http://testserver', excludedAttributes: 'members' };
    // A fresh queue per call: nothing serialises them but the link-row lock. Kept below the
    // pool's acquire timeout: waiting transactions hold their connection.
    const send = (groupId: string, body: unknown) =>
      patchScimGroup({ ...deps, queue: new WriteQueue() }, caller, groupId, body, view).then(() => 200);
    await scenario('instances-group', DB_KIND === 'pglite' ? 40 : 300, send);
  }, 120_000);

  it('concurrent PATCHes of different attributes of one user are all applied', async () => {
    const user = (await scim('POST', '/Users', { userName: 'many-attrs' })).body;
    const attrs = Array.from({ length: 20 }, (_, i) => `x_attr${i}`);
    const statuses = await Promise.all(
      attrs.map((a, i) => scim('PATCH', `/Users/${user.id}`, patch({ op: 'add', path: a, value: i })).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const got = (await scim('GET', `/Users/${user.id}`)).body;
    for (const [i, a] of attrs.entries()) expect(got[a]).toBe(i);
  });
});
