/**
 * Password sign-in of local users: the credential check, `last_login` and the login /
 * login_failed events. Sources that verify passwords elsewhere (LDAP, Kerberos) plug in here.
 *
 * Guessing is throttled per (client address, username) (services/throttle.ts): a throttled
 * attempt is refused before any lookup, and the answer is the same whether the user exists.
 */
import type { User } from '../../domain/entities.js';
import { hashPassword, verifyPassword } from '../../security/passwords.js';
import type { ServiceContext } from '../context.js';
import { failureThrottle, PASSWORD_LOGIN_THROTTLE } from '../throttle.js';

/** Compared against when the user does not exist, so both answers cost one scrypt. */
let decoyHash: Promise<string> | null = null;

/** A submitted form value as text: strings as given, numbers and booleans spelled out, else empty. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/**
 * The signed-in user, or null for a wrong username/password or an inactive account.
 * @throws ThrottledError after too many failures for this username from `clientIp`.
 */
export async function passwordLogin(ctx: ServiceContext, username: unknown, password: unknown, clientIp: string): Promise<User | null> {
  const repos = ctx.store.repos;
  const throttle = failureThrottle(ctx, PASSWORD_LOGIN_THROTTLE, [clientIp, asText(username)]);
  await throttle.check();
  const user = typeof username === 'string' ? await repos.users.byUsername(username) : null;
  const stored = user ? await repos.users.passwordHash(user.id) : await (decoyHash ??= hashPassword('decoy'));
  const matches = await verifyPassword(asText(password), stored);
  if (user && user.isActive && matches) {
    await throttle.clear();
    await repos.users.update(user.id, { lastLogin: ctx.clock.now() });
    await repos.events.record({ action: 'login', user: { pk: user.id, username: user.username }, context: { auth_method: 'password' } });
    return user;
  }
  await throttle.fail();
  await repos.events.record({ action: 'login_failed', context: { username: asText(username).slice(0, 150) } });
  return null;
}
