/**
 * The browser's session for flow pages: loaded lazily from the database, written back once per
 * response, id rotated on every login (session fixation). Cookie: HttpOnly, SameSite=Lax (so
 * top-level redirects back from an IdP carry it), Secure when the public URL is https. Beside it
 * the `authentik_csrf` cookie: the token script on our pages echoes when it calls the admin API
 * with this session (see ../csrf.ts), replaced whenever the session id changes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../services/context.js';
import { endSession, loadSession, saveSession, startSession, SESSION_TTL_MS, type LoadedSession } from '../../services/sessions.js';
import type { Flash } from '../../ui/pages.js';
import { SESSION_COOKIE, sessionIdFromCookie } from '../auth.js';
import { clearCsrfCookie, issueCsrfCookie } from '../csrf.js';

export class BrowserSession {
  #session: LoadedSession | null;
  #dirty = false;
  #rotated = false;
  #ended = false;

  private constructor(
    private readonly ctx: ServiceContext,
    session: LoadedSession | null,
  ) {
    this.#session = session;
  }

  static async load(ctx: ServiceContext, request: FastifyRequest): Promise<BrowserSession> {
    return new BrowserSession(ctx, await loadSession(ctx, sessionIdFromCookie(request)));
  }

  get id(): string | null {
    return this.#session?.id ?? null;
  }
  get userId(): number | null {
    return this.#session?.userId ?? null;
  }

  get<T>(key: string): T | undefined {
    return this.#session?.data[key] as T | undefined;
  }

  set(key: string, value: unknown): void {
    this.#ensure();
    if (value === undefined) delete this.#session!.data[key];
    else this.#session!.data[key] = value;
    this.#dirty = true;
  }

  /** Makes sure a session row will exist (e.g. before binding OAuth state to it). */
  async ensureId(): Promise<string> {
    this.#ensure();
    this.#dirty = true;
    await this.#persist();
    return this.#session!.id;
  }

  #ensure(): void {
    this.#session ??= { id: '', userId: null, data: {} };
  }

  flash(level: Flash['level'], message: string): void {
    const list = this.get<Flash[]>('flash') ?? [];
    this.set('flash', [...list, { level, message }]);
  }

  takeFlashes(): Flash[] {
    const list = this.get<Flash[]>('flash') ?? [];
    if (list.length > 0) this.set('flash', undefined);
    return list;
  }

  /** Per-session CSRF token for our own forms. */
  csrfToken(): string {
    let token = this.get<string>('csrf');
    if (!token) {
      token = randomBytes(24).toString('base64url');
      this.set('csrf', token);
    }
    return token;
  }

  checkCsrf(candidate: unknown): boolean {
    const token = this.get<string>('csrf');
    if (!token || typeof candidate !== 'string') return false;
    const a = Buffer.from(token);
    const b = Buffer.from(candidate);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Logs `userId` in: a new session id, carrying over only what the next page needs. */
  login(userId: number, carry: Record<string, unknown> = {}): void {
    const flash = this.get<Flash[]>('flash');
    this.#session = { id: '', userId, data: { ...carry, ...(flash ? { flash } : {}) } };
    this.#rotated = true;
    this.#dirty = true;
  }

  logout(): void {
    this.#ended = true;
  }

  async #persist(): Promise<void> {
    const s = this.#session!;
    if (!s.id) {
      const fresh = await startSession(this.ctx, this.ctx.store.repos, s.userId, s.data);
      s.id = fresh.id;
    } else {
      await saveSession(this.ctx, this.ctx.store.repos, s);
    }
    this.#dirty = false;
  }

  /** Writes the session back and sets/clears the cookie. Call once before replying. */
  async commit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const previous = sessionIdFromCookie(request);
    if (this.#ended) {
      if (this.#session?.id) await endSession(this.ctx, this.#session.id);
      if (previous && previous !== this.#session?.id) await endSession(this.ctx, previous);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      clearCsrfCookie(reply);
      return;
    }
    if (this.#rotated && previous) await endSession(this.ctx, previous);
    if (this.#dirty && this.#session) await this.#persist();
    if (this.#session?.id && this.#session.id !== previous) {
      reply.setCookie(SESSION_COOKIE, this.#session.id, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.ctx.publicUrl?.startsWith('https://') ?? false,
        signed: true,
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
    }
    // Only a signed-in session can call the admin API.
    if (this.#session?.id && this.#session.userId !== null) issueCsrfCookie(this.ctx, request, reply, this.#session.id);
  }
}
