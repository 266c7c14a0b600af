/**
 * The password form is throttled per (client address, username): after the limit the page answers
 * 429 with `Retry-After` and says how long to wait, even for the right password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_LOGIN_THROTTLE } from '../../../src/services/throttle.js';
import { ADMIN_PASSWORD, createTestApp, type TestApp } from '../../support/app.js';

const LOGIN = '/if/flow/default-authentication-flow/';
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

/** Loads the form (session and CSRF token) and submits it from `remoteAddress`. */
async function submit(username: string, password: string, remoteAddress: string) {
  const page = await app.request({ method: 'GET', url: LOGIN, token: null, remoteAddress });
  const cookie = [page.headers['set-cookie'] ?? []]
    .flat()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return app.request({
    method: 'POST',
    url: LOGIN,
    token: null,
    remoteAddress,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://testserver' },
    payload: new URLSearchParams({ csrf, username, password }).toString(),
  });
}

describe('password form throttling', () => {
  it(`after ${PASSWORD_LOGIN_THROTTLE.limit} wrong passwords: 429, Retry-After and the wait on the page, even for the right password`, async () => {
    for (let i = 0; i < PASSWORD_LOGIN_THROTTLE.limit; i++) {
      const res = await submit('akadmin', `wrong-${i}`, '198.51.100.40');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Invalid username or password.');
    }
    const res = await submit('akadmin', ADMIN_PASSWORD, '198.51.100.40');
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(PASSWORD_LOGIN_THROTTLE.windowSeconds);
    expect(res.body).toContain(`Too many failed sign-in attempts. Please try again in ${Math.ceil(retryAfter / 60)} minutes.`);
    expect(res.body).toContain('name="password"');

    // Another address signs in.
    expect((await submit('akadmin', ADMIN_PASSWORD, '198.51.100.41')).statusCode).toBe(302);
  });
});
