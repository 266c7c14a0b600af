/**
 * Negative end-to-end tests of the OAuth callback against a real OpenID Provider
 * (docs/behaviour.md#oauth-callback): every broken state, a replayed or PKCE-mismatched code, IdP
 * errors, open redirects and unknown/disabled sources. Each failure must end on the login page
 * saying what went wrong (or a 404 page) and must not write a user, connection or group.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateKey } from '../../../../src/sources/oauth/start-login.js';
import { TestBrowser } from '../../../support/browser.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  expectLoginFailure,
  expectNothingWritten,
  landing,
  pageText,
  startEnv,
  untilRedirectTo,
  type Env,
} from './helpers.js';

let env: Env;
/** Added to the real time: lets a test move the app's clock past the state's lifetime. */
let clockOffsetMs = 0;

beforeAll(async () => {
  env = await startEnv({
    slugs: ['st', 'st2', 'st-off'],
    accounts: [{ sub: 'alice-sub', email: 'alice@example.com', email_verified: true, name: 'Alice', preferred_username: 'alice' }],
    clock: { now: () => new Date(Date.now() + clockOffsetMs) },
  });
  for (const slug of ['st', 'st2', 'st-off']) {
    await createOidcSource(env.app, { slug, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, wellKnownUrl: env.idp.wellKnownUrl });
  }
}, 60_000);

afterAll(async () => {
  await env?.close();
});

/** Starts a login in `browser` and returns the callback URL the IdP redirected it to. */
async function callbackFor(browser: TestBrowser, slug = 'st', next = ''): Promise<string> {
  return untilRedirectTo(browser, `${env.base}/source/oauth/login/${slug}/${next}`, env.callbackUrl(slug));
}

function withParam(url: string, name: string, value: string | null): string {
  const u = new URL(url);
  if (value === null) u.searchParams.delete(name);
  else u.searchParams.set(name, value);
  return u.toString();
}

/** The stored flow-state row of the state in `callbackUrl`. */
function flowStateRow(callbackUrl: string) {
  const state = new URL(callbackUrl).searchParams.get('state')!;
  return env.app.db.selectFrom('flow_states').selectAll().where('id_digest', '=', stateKey(env.app.ctx, state));
}

describe('OAuth callback: state checks', () => {
  it('fails without a state', async () => {
    const browser = new TestBrowser();
    const url = withParam(await callbackFor(browser), 'state', null);
    const page = await expectNothingWritten(env.app, () => browser.get(url));
    expectLoginFailure(env, page, 'State check failed.');
  });

  it('fails with a state that does not match', async () => {
    const browser = new TestBrowser();
    const url = withParam(await callbackFor(browser), 'state', randomBytes(16).toString('base64url'));
    const page = await expectNothingWritten(env.app, () => browser.get(url));
    expectLoginFailure(env, page, 'State check failed.');
  });

  it('accepts a state once: replaying the exact callback URL fails', async () => {
    const browser = new TestBrowser();
    const url = await callbackFor(browser);
    const first = await browser.get(url);
    expect(first.url).toBe(`${env.base}/if/user/`);
    const replay = await expectNothingWritten(env.app, () => browser.get(url));
    expectLoginFailure(env, replay, 'State check failed.');
  });

  it('fails once the state is older than ten minutes', async () => {
    const browser = new TestBrowser();
    const url = await callbackFor(browser);
    clockOffsetMs = 10 * 60 * 1000 + 1000;
    try {
      const page = await expectNothingWritten(env.app, () => browser.get(url));
      expectLoginFailure(env, page, 'State check failed.');
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('fails in a browser other than the one that started the login', async () => {
    const victim = new TestBrowser();
    const url = await callbackFor(victim);
    // A browser without any session…
    const stranger = new TestBrowser();
    expectLoginFailure(env, await expectNothingWritten(env.app, () => stranger.get(url)), 'State check failed.');
    // …and one with a session and a pending login of its own at the same source.
    const victim2 = new TestBrowser();
    const url2 = await callbackFor(victim2);
    const attacker = new TestBrowser();
    await callbackFor(attacker);
    expectLoginFailure(env, await expectNothingWritten(env.app, () => attacker.get(url2)), 'State check failed.');
    // The attempt consumed the state: it cannot be used afterwards either (single use).
    expectLoginFailure(env, await victim2.get(url2), 'State check failed.');
  });

  it('fails when the state was minted for another source', async () => {
    const browser = new TestBrowser();
    const url = (await callbackFor(browser, 'st')).replace('/source/oauth/callback/st/', '/source/oauth/callback/st2/');
    const page = await expectNothingWritten(env.app, () => browser.get(url));
    expectLoginFailure(env, page, 'State check failed.');
  });
});

describe('OAuth callback: code exchange', () => {
  it('fails when an authorization code is replayed (the IdP refuses the second exchange)', async () => {
    const browser = new TestBrowser();
    const first = await callbackFor(browser);
    const firstState = await flowStateRow(first).executeTakeFirstOrThrow();
    expect((await browser.get(first)).url).toBe(`${env.base}/if/user/`);

    // A fresh, valid state for this browser, carrying the first login's PKCE verifier, so the
    // only thing wrong with the request is the already-used code.
    const second = await callbackFor(browser);
    await env.app.db
      .updateTable('flow_states')
      .set({ data: JSON.stringify(firstState.data) as never })
      .where('id_digest', '=', stateKey(env.app.ctx, new URL(second).searchParams.get('state')!))
      .execute();
    expect((await flowStateRow(second).executeTakeFirstOrThrow()).data).toEqual(firstState.data);
    const replay = withParam(second, 'code', new URL(first).searchParams.get('code'));
    const page = await expectNothingWritten(env.app, () => browser.get(replay));
    expectLoginFailure(env, page, 'grant request is invalid');
  });

  it('fails when the PKCE verifier does not match the challenge', async () => {
    const browser = new TestBrowser();
    const url = await callbackFor(browser);
    const row = await flowStateRow(url).executeTakeFirstOrThrow();
    const data = { ...row.data, codeVerifier: env.app.ctx.box.encrypt(randomBytes(48).toString('base64url')) };
    await env.app.db
      .updateTable('flow_states')
      .set({ data: JSON.stringify(data) as never })
      .where('id_digest', '=', row.id_digest)
      .execute();
    expect((await flowStateRow(url).executeTakeFirstOrThrow()).data).toEqual(data);
    const page = await expectNothingWritten(env.app, () => browser.get(url));
    expectLoginFailure(env, page, 'grant request is invalid');
  });

  it("shows the IdP's error_description when the IdP refuses the login", async () => {
    env.idp.denyLogin('access_denied', 'The user cancelled the login.');
    try {
      const browser = new TestBrowser();
      const page = await expectNothingWritten(env.app, () => browser.get(`${env.base}/source/oauth/login/st/`));
      expectLoginFailure(env, page, 'The user cancelled the login.');
    } finally {
      env.idp.loginAs('alice-sub');
    }
  });

  it('shows an IdP-supplied error text escaped, never as markup', async () => {
    env.idp.denyLogin('access_denied', '<script>alert(1)</script><b>bold</b>');
    try {
      const page = await new TestBrowser().get(`${env.base}/source/oauth/login/st/`);
      expectLoginFailure(env, page, '<script>alert(1)</script><b>bold</b>');
      expect(page.body).not.toContain('<script>alert(1)');
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    } finally {
      env.idp.loginAs('alice-sub');
    }
  });

  it('says it could not retrieve a token when the token endpoint is down (no 500)', async () => {
    const source = (await env.app.ctx.store.repos.kindSources.oauth.bySlug('st'))!;
    const browser = new TestBrowser();
    const url = await callbackFor(browser);
    // Nothing listens on port 9 of the loopback interface (discard service): connection refused.
    await env.app.ctx.store.repos.kindSources.oauth.update(source.uuid, {}, { access_token_url: 'http://127.0.0.1:9/token' });
    try {
      const page = await expectNothingWritten(env.app, () => browser.get(url));
      expectLoginFailure(env, page, 'Could not retrieve token.');
    } finally {
      await env.app.ctx.store.repos.kindSources.oauth.update(source.uuid, {}, { access_token_url: source.settings.access_token_url });
    }
  });
});

describe('OAuth login: post-login redirect', () => {
  const land = (next: string) =>
    landing(new TestBrowser(), `${env.base}/source/oauth/login/st/?next=${encodeURIComponent(next)}`, [env.base, env.idp.issuer]);

  for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example', '/\\/evil.example', 'javascript:alert(1)']) {
    it(`ignores next=${next}`, async () => {
      expect(await land(next)).toBe(`${env.base}/if/user/`);
    });
  }

  // Dot segments that normalise into a protocol-relative "//host" must be refused too.
  for (const next of ['/.//evil.example', '/a/..//evil.example']) {
    it(`ignores next=${next} (dot segments collapsing into //host)`, async () => {
      expect(await land(next)).toBe(`${env.base}/if/user/`);
    });
  }

  it('honours a same-origin next', async () => {
    const browser = new TestBrowser();
    const page = await browser.get(`${env.base}/source/oauth/login/st/?next=${encodeURIComponent('/api/v3/core/users/me/')}`);
    expect(page.url).toBe(`${env.base}/api/v3/core/users/me/`);
    expect(page.status).toBe(200);
  });
});

describe('OAuth endpoints of unknown and disabled sources', () => {
  it('answer 404 for an unknown source', async () => {
    const browser = new TestBrowser();
    for (const path of ['/source/oauth/login/nope/', '/source/oauth/callback/nope/?state=x&code=y']) {
      const page = await browser.get(`${env.base}${path}`);
      expect(page.status).toBe(404);
      expect(pageText(page.body)).toContain('Not found');
    }
  });

  it('answer 404 for a disabled source, even with a state minted while it was enabled', async () => {
    const repos = env.app.ctx.store.repos;
    const source = (await repos.kindSources.oauth.bySlug('st-off'))!;
    const browser = new TestBrowser();
    const url = await callbackFor(browser, 'st-off');
    await repos.kindSources.oauth.update(source.uuid, { enabled: false }, {});
    try {
      const login = await browser.get(`${env.base}/source/oauth/login/st-off/`);
      expect(login.status).toBe(404);
      const callback = await expectNothingWritten(env.app, () => browser.get(url));
      expect(callback.status).toBe(404);
      expect(pageText(callback.body)).toContain('source st-off is not enabled');
    } finally {
      await repos.kindSources.oauth.update(source.uuid, { enabled: true }, {});
    }
  });
});
