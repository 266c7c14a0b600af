/**
 * Group display names handed to buildIdentityProperties are keyed by IdP-chosen ids: they are
 * read as own properties only, so an id such as "constructor" gets its own name (or the id),
 * never a member of Object.prototype.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMappingSandbox } from '../../../src/protocols/mapping/index.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { buildIdentityProperties } from '../../../src/services/flows/identity-properties.js';
import type { Source } from '../../../src/storage/source-ports.js';
import { SqlEventRepository } from '../../../src/storage/sql/events.js';
import { SqlPropertyMappingRepository } from '../../../src/storage/sql/property-mappings.js';
import { openTestStorage, type TestStorage } from '../../support/storage.js';

let storage: TestStorage;
const mappings = createMappingSandbox({ timeLimitMs: 2000 });
beforeAll(async () => {
  storage = await openTestStorage();
}, 60_000);
afterAll(async () => {
  mappings.dispose();
  await storage?.close();
});

function context(): ServiceContext {
  // Only what buildIdentityProperties reads: the two repositories and the sandbox.
  const repos = { propertyMappings: new SqlPropertyMappingRepository(storage.db), events: new SqlEventRepository(storage.db) };
  return { store: { repos }, mappings } as unknown as ServiceContext;
}

describe('buildIdentityProperties', () => {
  it('names groups whose ids are Object.prototype member names from own entries only', async () => {
    const ctx = context();
    const echo = await ctx.store.repos.propertyMappings.create({
      kind: 'oauth',
      name: 'echo group name',
      expression: 'return { attributes: { seen: properties.name } }',
    });
    const source = { name: 'Proto', slug: 'proto', userPropertyMappings: [], groupPropertyMappings: [echo.uuid] } as unknown as Source;
    const { groups } = await buildIdentityProperties(ctx, source, {
      baseProperties: { username: 'u', groups: ['constructor', 'toString', 'staff'] },
      groupNames: { staff: 'Staff' },
      context: {},
    });
    expect(groups).toEqual([
      { id: 'constructor', properties: { name: 'constructor', attributes: { seen: 'constructor' } } },
      { id: 'toString', properties: { name: 'toString', attributes: { seen: 'toString' } } },
      { id: 'staff', properties: { name: 'Staff', attributes: { seen: 'Staff' } } },
    ]);
  });
});
