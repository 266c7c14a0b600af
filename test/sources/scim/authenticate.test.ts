/** authenticateScim: the decision table of docs/behaviour.md#scim-authentication. */
import { describe, expect, it } from 'vitest';
import { createMappingSandbox } from '../../../src/protocols/mapping/index.js';
import { ScimError } from '../../../src/protocols/scim/index.js';
import { authenticateScim, WriteQueue, type ScimDeps } from '../../../src/sources/scim/provisioning.js';
import type { PresentedToken, ScimSourceConfig } from '../../../src/storage/scim-ports.js';
import { fakeScimStore, SOURCE } from './fake-store.js';

const NOW = new Date('2025-01-01T00:00:00Z');
const TOKEN: PresentedToken = {
  uuid: 'tok-1',
  intent: 'api',
  expiring: false,
  expires: null,
  userId: 9,
  username: 'ak-source-scim-x',
  userActive: true,
};

function deps(source: ScimSourceConfig | null, token: PresentedToken | null): ScimDeps {
  const store = fakeScimStore({ resolved: source ? { source, token } : null, events: [] });
  return { store, mappings: createMappingSandbox(), clock: { now: () => NOW }, queue: new WriteQueue() };
}

async function status(d: ScimDeps, header: string | undefined): Promise<number> {
  try {
    await authenticateScim(d, 'entra', header);
    return 200;
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    return (e as ScimError).status;
  }
}

describe('authenticateScim', () => {
  it("accepts the source's own api token and names its service account as the actor", async () => {
    const caller = await authenticateScim(deps(SOURCE, TOKEN), 'entra', 'Bearer abc');
    expect(caller).toEqual({ source: SOURCE, actor: { pk: 9, username: 'ak-source-scim-x' } });
    expect(await status(deps(SOURCE, TOKEN), 'bearer   abc  ')).toBe(200);
  });

  it.each([
    ['no header', undefined, TOKEN],
    ['not bearer', 'Basic abc', TOKEN],
    ['unknown key', 'Bearer abc', null],
    ['other token', 'Bearer abc', { ...TOKEN, uuid: 'tok-2' }],
    ['wrong intent', 'Bearer abc', { ...TOKEN, intent: 'app_password' }],
    ['inactive service account', 'Bearer abc', { ...TOKEN, userActive: false }],
    ['expired', 'Bearer abc', { ...TOKEN, expiring: true, expires: new Date(NOW.getTime() - 1) }],
  ] as const)('401: %s', async (_name, header, token) => {
    expect(await status(deps(SOURCE, token), header)).toBe(401);
  });

  it('an expiring token is fine until it expires', async () => {
    expect(await status(deps(SOURCE, { ...TOKEN, expiring: true, expires: new Date(NOW.getTime() + 1000) }), 'Bearer abc')).toBe(200);
  });

  it('404 for an unknown source, 403 for a disabled one (only after a valid token)', async () => {
    expect(await status(deps(null, null), 'Bearer abc')).toBe(404);
    expect(await status(deps({ ...SOURCE, enabled: false }, TOKEN), 'Bearer abc')).toBe(403);
    expect(await status(deps({ ...SOURCE, enabled: false }, null), 'Bearer abc')).toBe(401);
    expect(await status(deps({ ...SOURCE, tokenUuid: null }, TOKEN), 'Bearer abc')).toBe(401);
  });
});
