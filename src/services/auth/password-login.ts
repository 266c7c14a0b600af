/**
 * Password sign-in of local users: the credential check, `last_login` and the login /
 * login_failed events. Sources that verify passwords elsewhere (LDAP, Kerberos) plug in here.
 */
import type { User } from '../../domain/entities.js';
import { hashPassword, verifyPassword } from '../../security/passwords.js';
import type { ServiceContext } from '../context.js';

/** Compared against when the user does not exist, so both answers cost one scrypt. */
let decoyHash: Promise<string> | null = null;

/** The signed-in user, or null for a wrong username/password or an inactive account. */
export async function passwordLogin(ctx: ServiceContext, username: unknown, password: unknown): Promise<User | null> {
  const repos = ctx.store.repos;
  const user = typeof username === 'string' ? await repos.users.byUsername(username) : null;
  const stored = user ? await repos.users.passwordHash(user.id) : await (decoyHash ??= hashPassword('decoy'));
  const matches = await verifyPassword(String(password ?? ''), stored);
  if (user && user.isActive && matches) {
    await repos.users.update(user.id, { lastLogin: ctx.clock.now() });
    await repos.events.record({ action: 'login', user: { pk: user.id, username: user.username }, context: { auth_method: 'password' } });
    return user;
  }
  await repos.events.record({ action: 'login_failed', context: { username: String(username ?? '').slice(0, 150) } });
  return null;
}
