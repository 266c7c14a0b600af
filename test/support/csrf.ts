/**
 * Calls the admin API with a browser session the way authentik's console does: its first GET
 * is answered with the `authentik_csrf` cookie, and every later unsafe call echoes that value in
 * `X-authentik-CSRF`, from a page on the server's own origin (so the browser sends that `Origin`).
 */
import { expect } from 'vitest';
import { CSRF_COOKIE, CSRF_HEADER } from '../../src/http/csrf.js';
import type { TestApp } from './app.js';
import type { LoggedIn } from './sessions.js';

export interface ConsoleSession {
  /** The CSRF token the server handed out. */
  csrf: string;
  /** The origin the console's page runs on. */
  origin: string;
  /** `cookie` (session + CSRF cookie), `x-authentik-csrf` and `origin`, as the console sends them. */
  headers: Record<string, string>;
}

/** The value of cookie `name` among a response's Set-Cookie headers, or null. */
export function setCookieValue(setCookie: string | string[] | undefined, name: string): string | null {
  for (const line of [setCookie ?? []].flat()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === name) return decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return null;
}

/** Opens the console for `login`: one GET that must hand out the CSRF cookie, read as a page script would. */
export async function openConsole(app: TestApp, login: LoggedIn): Promise<ConsoleSession> {
  const res = await app.request({ method: 'GET', url: '/api/v3/core/users/me/', token: null, headers: login.headers });
  expect(res.statusCode).toBe(200);
  const csrf = setCookieValue(res.headers['set-cookie'], CSRF_COOKIE);
  expect(csrf, 'the API hands a signed-in browser its CSRF cookie').toBeTruthy();
  const origin = new URL(app.ctx.publicUrl ?? 'http://localhost').origin;
  return { csrf: csrf!, origin, headers: { cookie: `${login.cookie}; ${CSRF_COOKIE}=${csrf}`, [CSRF_HEADER]: csrf!, origin } };
}
