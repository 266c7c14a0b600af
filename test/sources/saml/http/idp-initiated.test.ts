/**
 * IdP-initiated (unsolicited) SAML sign-in: accepted only where the source allows it, RelayState
 * only as a same-origin path, each Response and Assertion ID once, never linking to the
 * account that happens to be signed in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { startSession } from '../../../../src/services/sessions.js';
import { testKeyPair } from '../../../fakes/certs.js';
import type { ResponseOptions } from '../../../fakes/saml-idp.js';
import { createKeypair, createSamlSource, postCrossSite, rowCounts, startIdpServer, whoAmI, type IdpServer } from './support.js';

let app: TestApp;
let base: string;
let idp: IdpServer;

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  const idpKeys = await testKeyPair('idp');
  idp = await startIdpServer({ signing: idpKeys });
  const verificationKp = await createKeypair(app, 'idp', { certificate: idpKeys.certificate });
  const common = { sso_url: idp.ssoUrl, idp_entity_id: idp.idp.entityId, verification_kp: verificationKp };
  await createSamlSource(app, 'open', { ...common, allow_idp_initiated: true });
  await createSamlSource(app, 'strict', { ...common, allow_idp_initiated: false });
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await app?.close();
});

const acs = (slug: string) => `${base}/source/saml/${slug}/acs/`;

function unsolicited(slug: string, extra: Partial<ResponseOptions> = {}): Promise<string> {
  return idp.idp.buildResponseBase64({
    now: new Date(),
    acsUrl: acs(slug),
    audience: `${base}/source/saml/${slug}/metadata/`,
    nameId: 'ivy',
    attributes: { email: ['ivy@example.com'] },
    ...extra,
  });
}

describe('IdP-initiated login', () => {
  it('is accepted when allowed; a same-origin RelayState is honoured', async () => {
    const browser = new TestBrowser();
    const { bounce, final } = await postCrossSite(browser, acs('open'), {
      SAMLResponse: await unsolicited('open'),
      RelayState: '/if/user/?from=idp',
    });
    expect(bounce.body).toContain('name="RelayState" value="/if/user/?from=idp"');
    expect(final.status, final.body).toBe(200);
    expect(final.url).toBe(`${base}/if/user/?from=idp`);
    expect(await whoAmI(base, browser)).toBe('ivy');
  });

  it('ignores an off-site RelayState', async () => {
    const browser = new TestBrowser();
    const { final } = await postCrossSite(browser, acs('open'), {
      SAMLResponse: await unsolicited('open', { nameId: 'ivy' }),
      RelayState: 'https://evil.example/',
    });
    expect(final.url).toBe(`${base}/if/user/`);
  });

  it('is refused where the source does not allow it, writing nothing', async () => {
    const before = await rowCounts(app);
    const browser = new TestBrowser();
    const { final } = await postCrossSite(browser, acs('strict'), { SAMLResponse: await unsolicited('strict', { nameId: 'ian' }) });
    expect(final.status).toBe(400);
    expect(final.body).toContain('Missing InResponseTo and IdP-initiated Logins are not allowed');
    expect(await rowCounts(app)).toEqual(before);
  });

  it('refuses the same response twice, and the same assertion in a fresh Response', async () => {
    const assertionId = `_a${Date.now()}`;
    const first = await unsolicited('open', { nameId: 'ivy', assertionId });
    const browser = new TestBrowser();
    expect((await postCrossSite(browser, acs('open'), { SAMLResponse: first })).final.status).toBe(200);

    const replay = await postCrossSite(new TestBrowser(), acs('open'), { SAMLResponse: first });
    expect(replay.final.status).toBe(400);
    expect(replay.final.body).toContain('Replay attack detected');

    const rewrapped = await unsolicited('open', { nameId: 'ivy', assertionId, responseId: `_r${Date.now()}` });
    const again = await postCrossSite(new TestBrowser(), acs('open'), { SAMLResponse: rewrapped });
    expect(again.final.status).toBe(400);
    expect(again.final.body).toContain('Replay attack detected');
  });

  it('an IdP-initiated response posted into a signed-in browser never links to that account', async () => {
    const carol = await app.ctx.store.repos.users.create({ username: 'carol', name: 'Carol' });
    const s = await startSession(app.ctx, app.ctx.store.repos, carol.id);
    const browser = new TestBrowser();
    browser.cookies.set(new URL(base).host, new Map([['tributary_session', encodeURIComponent(app.http.signCookie(s.id))]]));
    expect(await whoAmI(base, browser)).toBe('carol');
    // The attacker's own, validly signed identity, delivered cross-site into carol's browser.
    const { final } = await postCrossSite(browser, acs('open'), { SAMLResponse: await unsolicited('open', { nameId: 'attacker' }) });
    expect(final.status).toBe(200);
    const source = await app.ctx.store.repos.sources.bySlug('open');
    expect(await app.ctx.store.repos.userConnections.byUserSource(carol.id, source!.uuid)).toBeNull();
    expect(await whoAmI(base, browser)).toBe('attacker');
  });

  it('a POST without any cookie and already bounced proceeds in a new session', async () => {
    const res = await fetch(acs('open'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: await unsolicited('open', { nameId: 'ivy' }), _bounced: '1' }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/if/flow/default-source-authentication/');
    expect(res.headers.get('set-cookie')).toContain('tributary_session=');
  });
});
