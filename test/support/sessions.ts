/**
 * Logs users in for HTTP tests: a session row created through the real `startSession`
 * (so the database holds only the id's digest) and the signed cookie a browser would send.
 * Also mints users and API tokens straight through the repositories.
 */
import { randomBytes } from 'node:crypto';
import type { User } from '../../src/domain/entities.js';
import { SESSION_COOKIE } from '../../src/http/auth.js';
import { startSession } from '../../src/services/sessions.js';
import type { NewToken } from '../../src/storage/ports.js';
import type { TestApp } from './app.js';

export interface LoggedIn {
  /** The raw (unsigned) session id. */
  sessionId: string;
  /** `tributary_session=<signed id>`, ready for a `cookie` header. */
  cookie: string;
  headers: { cookie: string };
}

export async function sessionCookie(app: TestApp, userId: number | null, data: Record<string, unknown> = {}): Promise<LoggedIn> {
  const session = await startSession(app.ctx, app.ctx.store.repos, userId, data);
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(app.http.signCookie(session.id))}`;
  return { sessionId: session.id, cookie, headers: { cookie } };
}

/** A cookie carrying a session id that was never signed with the server's secret. */
export function unsignedCookie(sessionId: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(sessionId)}`;
}

export async function createUser(app: TestApp, username: string, fields: { isActive?: boolean; email?: string; name?: string } = {}): Promise<User> {
  return app.ctx.store.repos.users.create({
    username,
    name: fields.name ?? username,
    email: fields.email ?? `${username}@example.com`,
    isActive: fields.isActive,
  });
}

/** Creates an API token (or another intent) for `userId` and returns its key. */
export async function createToken(app: TestApp, userId: number, overrides: Partial<NewToken> = {}): Promise<string> {
  const key = overrides.key ?? randomBytes(30).toString('hex');
  await app.ctx.store.repos.tokens.create({
    identifier: `tok-${randomBytes(6).toString('hex')}`,
    intent: 'api',
    userId,
    expiring: false,
    ...overrides,
    key,
  });
  return key;
}

/** A normal (non-superuser) user with an API token. */
export async function normalUser(app: TestApp, username: string): Promise<{ user: User; token: string }> {
  const user = await createUser(app, username);
  return { user, token: await createToken(app, user.id) };
}
