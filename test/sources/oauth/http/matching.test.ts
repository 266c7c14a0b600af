/**
 * The flow manager's decision table end to end (docs/behaviour.md#flow-manager-the-decision-table)
 * with Tributary's safer rules (src/domain/matching.ts): automatic linking only to ordinary,
 * active, unambiguous users and, for email, only when the IdP verified it; a logged-in browser is
 * never switched to another account. Every refusal writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../support/browser.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import type { OidcAccount } from '../../../fakes/oidc-provider.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  countRows,
  expectNothingWritten,
  logBrowserIn,
  pageText,
  startEnv,
  untilRedirectTo,
  whoAmI,
  type Env,
} from './helpers.js';

const SOURCES: Record<string, { mode: string; enrollment?: boolean }> = {
  'm-el': { mode: 'email_link' },
  'm-ed': { mode: 'email_deny' },
  'm-ul': { mode: 'username_link' },
  'm-ud': { mode: 'username_deny' },
  'm-id': { mode: 'identifier' },
  'm-noenroll': { mode: 'identifier', enrollment: false },
};

let env: Env;
const uuids: Record<string, string> = {};

beforeAll(async () => {
  env = await startEnv({ slugs: Object.keys(SOURCES), accounts: [{ sub: 'placeholder' }] });
  for (const [slug, s] of Object.entries(SOURCES)) {
    const source = await createOidcSource(env.app, {
      slug,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      wellKnownUrl: env.idp.wellKnownUrl,
      userMatchingMode: s.mode,
      enrollment: s.enrollment,
    });
    uuids[slug] = source.uuid;
  }
}, 60_000);

afterAll(async () => {
  await env?.close();
});

/** Logs `account` in at the IdP and runs a source login in `browser`; returns the final page. */
async function loginWith(slug: string, account: OidcAccount, browser = new TestBrowser()) {
  env.idp.setAccount(account);
  env.idp.loginAs(account.sub);
  const page = await browser.get(`${env.base}/source/oauth/login/${slug}/`);
  return { page, browser, text: pageText(page.body) };
}

/** Runs a login that must be refused with an access-denied page, and checks nothing was written. */
async function expectDenied(slug: string, account: OidcAccount): Promise<string> {
  const { page, browser, text } = await expectNothingWritten(env.app, () => loginWith(slug, account));
  expect(page.status, text).toBe(403);
  expect(text).toContain('Permission denied');
  expect(await whoAmI(env, browser)).toBeNull();
  return text;
}

const repos = () => env.app.ctx.store.repos;

describe('email_link', () => {
  it('links an existing user by verified email; the next login authenticates through the connection', async () => {
    const dana = await repos().users.create({ username: 'dana', name: 'Dana', email: 'dana@example.com' });
    const account = { sub: 'dana-sub', email: 'dana@example.com', email_verified: true, preferred_username: 'dana-at-idp' };
    const users = (await countRows(env.app)).users;
    const first = await loginWith('m-el', account);
    expect(first.page.url, first.text).toBe(`${env.base}/if/user/`);
    expect(first.page.hops.some((h) => h.includes('/if/flow/default-source-authentication/'))).toBe(true);
    expect(await whoAmI(env, first.browser)).toBe('dana');
    expect((await repos().userConnections.byUserSource(dana.id, uuids['m-el']))?.identifier).toBe('dana-sub');
    expect((await countRows(env.app)).users).toBe(users);

    // Even with a changed email at the IdP, the connection (not the email) decides now.
    const second = await loginWith('m-el', { ...account, email: 'dana.new@example.com' });
    expect(await whoAmI(env, second.browser)).toBe('dana');
  });

  it('refuses an email the IdP marks as unverified', async () => {
    await repos().users.create({ username: 'uma', email: 'uma@example.com' });
    const text = await expectDenied('m-el', { sub: 'uma-sub', email: 'uma@example.com', email_verified: false, preferred_username: 'uma2' });
    expect(text).toContain('did not confirm that this email address belongs to you');
  });

  it('refuses when the IdP gives no email at all', async () => {
    const text = await expectDenied('m-el', { sub: 'noemail-sub', preferred_username: 'noemail' });
    expect(text).toContain('did not provide your email address');
  });

  it('never links a superuser, an inactive user or a service account, and does not say which', async () => {
    // The bootstrap admin (akadmin, admin@example.com) is a superuser.
    await repos().users.create({ username: 'sleepy', email: 'sleepy@example.com', isActive: false });
    await repos().users.create({ username: 'robot', email: 'robot@example.com', type: 'service_account' });
    for (const email of ['admin@example.com', 'sleepy@example.com', 'robot@example.com']) {
      const text = await expectDenied('m-el', { sub: `sub-${email}`, email, email_verified: true, preferred_username: `x-${email.split('@')[0]}` });
      expect(text).toContain('cannot be connected automatically');
      expect(text).not.toMatch(/superuser|inactive|service/i);
    }
  });

  it('refuses when two users share the email', async () => {
    await repos().users.create({ username: 'twin1', email: 'twins@example.com' });
    await repos().users.create({ username: 'twin2', email: 'twins@example.com' });
    const text = await expectDenied('m-el', { sub: 'twin-sub', email: 'twins@example.com', email_verified: true, preferred_username: 'twin3' });
    expect(text).toContain('several users share this email address');
  });
});

describe('email_deny, username_link, username_deny, identifier', () => {
  it('email_deny refuses an existing email with the authentik deny text and enrols an unknown one', async () => {
    await repos().users.create({ username: 'ed', email: 'ed@example.com' });
    const text = await expectDenied('m-ed', { sub: 'ed-sub', email: 'ed@example.com', email_verified: true, preferred_username: 'ed2' });
    expect(text).toContain(
      "Request to authenticate with Source m-ed has been denied. Please authenticate with the source you've previously signed up with.",
    );
    const fresh = await loginWith('m-ed', { sub: 'edna-sub', email: 'edna@example.com', email_verified: true, preferred_username: 'edna' });
    expect(await whoAmI(env, fresh.browser)).toBe('edna');
  });

  it('username_link links the user with the same username, but never the superuser', async () => {
    const erin = await repos().users.create({ username: 'erin', email: '' });
    const { browser } = await loginWith('m-ul', {
      sub: 'erin-sub',
      email: 'someone-else@example.com',
      email_verified: false,
      preferred_username: 'erin',
    });
    expect(await whoAmI(env, browser)).toBe('erin');
    expect((await repos().userConnections.byUserSource(erin.id, uuids['m-ul']))?.identifier).toBe('erin-sub');
    const text = await expectDenied('m-ul', { sub: 'fake-admin-sub', preferred_username: 'akadmin' });
    expect(text).toContain('cannot be connected automatically');
  });

  it('username_link enrols when nobody has the username; refuses when the IdP gives none', async () => {
    const { browser } = await loginWith('m-ul', { sub: 'newbie-sub', preferred_username: 'newbie' });
    expect(await whoAmI(env, browser)).toBe('newbie');
    const text = await expectDenied('m-ul', { sub: 'nameless-sub', email: 'nameless@example.com' });
    expect(text).toContain('did not provide your username');
  });

  it('username_deny refuses an existing username', async () => {
    await repos().users.create({ username: 'udo' });
    const text = await expectDenied('m-ud', { sub: 'udo-sub', preferred_username: 'udo' });
    expect(text).toContain(
      "Request to authenticate with Source m-ud has been denied. Please authenticate with the source you've previously signed up with.",
    );
  });

  it('identifier always enrols a new user, even when email and name match someone', async () => {
    const ivy = await repos().users.create({ username: 'ivy', email: 'ivy@example.com' });
    const before = await countRows(env.app);
    // The username is taken, so the enrollment flow asks for another one.
    const { page, browser } = await loginWith('m-id', { sub: 'ivy-sub', email: 'ivy@example.com', email_verified: true, preferred_username: 'ivy' });
    expect(pageText(page.body)).toContain('This username is already taken.');
    const done = await browser.submit(page, { username: 'ivy-from-idp' });
    expect(done.url).toBe(`${env.base}/if/user/`);
    expect(await whoAmI(env, browser)).toBe('ivy-from-idp');
    expect((await countRows(env.app)).users).toBe(before.users + 1);
    expect(await repos().userConnections.byUserSource(ivy.id, uuids['m-id'])).toBeNull();
  });

  it('says the source is not configured for enrollment when it has no enrollment flow', async () => {
    const { page, text } = await expectNothingWritten(env.app, () => loginWith('m-noenroll', { sub: 'nobody-sub', preferred_username: 'nobody' }));
    expect(page.status).toBe(400);
    expect(text).toContain('Source is not configured for enrollment.');
  });
});

describe('a returning user', () => {
  it('is refused once deactivated, although the connection exists', async () => {
    const account = { sub: 'quinn-sub', preferred_username: 'quinn' };
    expect(await whoAmI(env, (await loginWith('m-id', account)).browser)).toBe('quinn');
    const quinn = (await repos().users.byUsername('quinn'))!;
    await repos().users.update(quinn.id, { isActive: false });
    const { page, browser, text } = await expectNothingWritten(env.app, () => loginWith('m-id', account));
    expect(page.status).toBe(400);
    expect(text).toContain('This account is disabled.');
    expect(await whoAmI(env, browser)).toBeNull();
  });
});

describe('two logins of one new identity racing', () => {
  it('enrol exactly one user; the other login fails cleanly', async () => {
    const account = { sub: 'race-sub', preferred_username: 'racer' };
    env.idp.setAccount(account);
    env.idp.loginAs(account.sub);
    const [a, b] = [new TestBrowser(), new TestBrowser()];
    const urls = await Promise.all([a, b].map((br) => untilRedirectTo(br, `${env.base}/source/oauth/login/m-id/`, env.callbackUrl('m-id'))));
    const before = await countRows(env.app);
    const pages = await Promise.all([a.get(urls[0]), b.get(urls[1])]);
    // Whoever lost the race for the username is asked for another one; give it one.
    const finals = await Promise.all(
      pages.map((p, i) =>
        p.url.includes('/if/flow/default-source-enrollment/') && p.status !== 500 && p.body.includes('name="username"')
          ? [a, b][i].submit(p, { username: 'racer-two' })
          : Promise.resolve(p),
      ),
    );
    const statuses = finals.map((p) => p.status).sort();
    const after = await countRows(env.app);
    expect(after.users).toBe(before.users + 1);
    expect(after.connections).toBe(before.connections + 1);
    const names = (await Promise.all([a, b].map((br) => whoAmI(env, br)))).filter((n) => n !== null);
    if (statuses[1] === 400) {
      // Both reached enrolment: the loser's insert hits unique (source, identifier), nothing else changes.
      expect(statuses).toEqual([200, 400]);
      expect(pageText(finals.find((p) => p.status === 400)!.body)).toContain('A connection with this identifier already exists for this source.');
      expect(names).toEqual(['racer']);
    } else {
      // One finished before the other decided: the second simply authenticates as that user.
      expect(statuses).toEqual([200, 200]);
      expect(names).toEqual(['racer', 'racer']);
    }
  });
});

describe('a logged-in browser', () => {
  it('is refused — and stays logged in as itself — when the identity belongs to another user', async () => {
    const frank = await loginWith('m-id', { sub: 'frank-sub', preferred_username: 'frank' });
    expect(await whoAmI(env, frank.browser)).toBe('frank');

    const gina = await repos().users.create({ username: 'gina' });
    const browser = new TestBrowser();
    await logBrowserIn(env, browser, gina.id);
    const { page, text } = await expectNothingWritten(env.app, () => loginWith('m-id', { sub: 'frank-sub', preferred_username: 'frank' }, browser));
    expect(page.status).toBe(403);
    expect(text).toContain('already connected to a different user');
    expect(await whoAmI(env, browser)).toBe('gina');
    expect(await repos().userConnections.byUserSource(gina.id, uuids['m-id'])).toBeNull();
  });
});
