/**
 * Failed bearer tokens on the admin API are throttled per client address: after the limit, 429
 * with `Retry-After` and authentik's (DRF's) throttled body, a valid token included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_THROTTLE } from '../../src/services/throttle.js';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const me = (token: string, remoteAddress: string) => app.request({ method: 'GET', url: '/api/v3/core/users/me/', token, remoteAddress });

describe('admin API bearer-token throttling', () => {
  it(`answers 403 to ${API_TOKEN_THROTTLE.limit} wrong tokens, then 429 with Retry-After to every token from that address`, async () => {
    for (let i = 0; i < API_TOKEN_THROTTLE.limit; i++) expect((await me(`wrong-token-${i}`, '198.51.100.30')).statusCode).toBe(403);
    for (const token of ['wrong-token-again', ADMIN_TOKEN]) {
      const res = await me(token, '198.51.100.30');
      expect(res.statusCode).toBe(429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(API_TOKEN_THROTTLE.windowSeconds);
      expect(res.json()).toEqual({ detail: `Request was throttled. Expected available in ${retryAfter} seconds.`, code: 'throttled' });
    }
    // Another client is not affected.
    expect((await me(ADMIN_TOKEN, '198.51.100.31')).statusCode).toBe(200);
  });
});
