/** Bearer-token authentication of the admin API, throttled per client address. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../src/errors/index.js';
import { principalFromBearer } from '../../../src/services/auth/api-token.js';
import { API_TOKEN_THROTTLE } from '../../../src/services/throttle.js';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('principalFromBearer', () => {
  it('authenticates a valid key and answers null for an unknown one', async () => {
    expect((await principalFromBearer(app.ctx, ADMIN_TOKEN, '198.51.100.20'))?.user.username).toBe('akadmin');
    expect(await principalFromBearer(app.ctx, 'not-a-token', '198.51.100.20')).toBeNull();
  });

  it(`after ${API_TOKEN_THROTTLE.limit} failed keys from one address, refuses every key from it — a valid one too — but not other addresses`, async () => {
    for (let i = 0; i < API_TOKEN_THROTTLE.limit; i++) expect(await principalFromBearer(app.ctx, `guess-${i}`, '198.51.100.21')).toBeNull();
    await expect(principalFromBearer(app.ctx, 'guess-more', '198.51.100.21')).rejects.toBeInstanceOf(ThrottledError);
    await expect(principalFromBearer(app.ctx, ADMIN_TOKEN, '198.51.100.21')).rejects.toBeInstanceOf(ThrottledError);
    expect((await principalFromBearer(app.ctx, ADMIN_TOKEN, '198.51.100.22'))?.user.username).toBe('akadmin');
  });

  it('valid keys never count as failures', async () => {
    for (let i = 0; i < API_TOKEN_THROTTLE.limit + 5; i++) expect(await principalFromBearer(app.ctx, ADMIN_TOKEN, '198.51.100.23')).not.toBeNull();
    expect(await principalFromBearer(app.ctx, 'one-guess', '198.51.100.23')).toBeNull();
  });
});
