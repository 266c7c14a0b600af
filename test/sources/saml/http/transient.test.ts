/**
 * Transient NameIDs (docs/behaviour.md#saml-transient-nameids): a temporary user is created before
 * the flow manager runs (so it takes the AUTH path), deleted by the cleanup job once expired, and
 * on logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { temporaryUserCleanupJob } from '../../../../src/sources/saml/cleanup-job.js';
import { testKeyPair } from '../../../fakes/certs.js';
import { TestSamlIdp } from '../../../fakes/saml-idp.js';
import { createKeypair, createSamlSource, rowCounts, startIdpServer, URN, whoAmI, type IdpServer } from './support.js';

let app: TestApp;
let base: string;
let idp: IdpServer;
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp({ clock }));
  const idpKeys = await testKeyPair('idp');
  idp = await startIdpServer({ signing: idpKeys, now: clock.now });
  const verificationKp = await createKeypair(app, 'idp', { certificate: idpKeys.certificate });
  await createSamlSource(app, 'transient', {
    sso_url: idp.ssoUrl,
    slo_url: idp.sloUrl,
    idp_entity_id: idp.idp.entityId,
    verification_kp: verificationKp,
    name_id_policy: URN.transient,
    temporary_user_delete_after: 'hours=1',
  });
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await app?.close();
});

async function transientLogin(nameId: string): Promise<{ browser: TestBrowser; final: Awaited<ReturnType<TestBrowser['get']>> }> {
  idp.loginAs({ nameId, nameIdFormat: URN.transient });
  const browser = new TestBrowser();
  const final = await browser.submit(await browser.get(`${base}/source/saml/transient/`));
  return { browser, final };
}

describe('transient NameID', () => {
  it('creates a flagged temporary user and logs it in through the authentication flow', async () => {
    const { browser, final } = await transientLogin('_t-one');
    expect(final.status, final.body).toBe(200);
    expect(final.hops.some((h) => h.startsWith(`${base}/if/flow/default-source-authentication/`))).toBe(true);
    expect(await whoAmI(base, browser)).toBe('_t-one');
    const user = await app.ctx.store.repos.users.byUsername('_t-one');
    expect(user).toMatchObject({ path: 'goauthentik.io/sources/transient', hasUsablePassword: false });
    expect(user!.attributes).toMatchObject({
      'goauthentik.io/user/generated': true,
      'goauthentik.io/user/sources': ['SAML transient'],
      'goauthentik.io/user/delete-on-logout': true,
    });
    const expires = user!.attributes['goauthentik.io/user/expires'] as number;
    expect(Math.abs(expires - (clock.now().getTime() / 1000 + 3600))).toBeLessThan(10);
  });

  it('the cleanup job deletes it only once expired, and nothing else', async () => {
    const repos = app.ctx.store.repos;
    await transientLogin('_t-two');
    const bystander = await repos.users.create({
      username: 'regular',
      path: 'goauthentik.io/sources/transient',
      attributes: { 'goauthentik.io/user/expires': 1 },
    });
    const job = temporaryUserCleanupJob(app.ctx);
    expect(await job.run()).toBe(0);
    expect(await repos.users.byUsername('_t-two')).not.toBeNull();

    offset.ms += 2 * 3600 * 1000;
    try {
      await transientLogin('_t-fresh'); // created "now", expires an hour later
      expect(await job.run()).toBeGreaterThanOrEqual(2);
      expect(await repos.users.byUsername('_t-one')).toBeNull();
      expect(await repos.users.byUsername('_t-two')).toBeNull();
      expect(await repos.users.byUsername('_t-fresh')).not.toBeNull();
      expect(await repos.users.byId(bystander.id)).not.toBeNull();
    } finally {
      offset.ms -= 2 * 3600 * 1000;
    }
  });

  it('is deleted on SP-initiated logout, which also tells the IdP', async () => {
    const { browser } = await transientLogin('_t-bye');
    const page = await browser.get(`${base}/source/saml/transient/slo/`);
    expect(page.url.startsWith(idp.sloUrl)).toBe(true);
    expect(idp.logouts.at(-1)!.parts.xml).toContain('>_t-bye</saml:NameID>');
    expect(await whoAmI(base, browser)).toBeNull();
    expect(await app.ctx.store.repos.users.byUsername('_t-bye')).toBeNull();
  });

  it('is deleted on an IdP-initiated LogoutRequest', async () => {
    const { browser } = await transientLogin('_t-idp');
    const xml = idp.idp.logoutRequestXml({ now: clock.now(), destination: `${base}/source/saml/transient/slo/`, nameId: '_t-idp' });
    const page = await browser.get(idp.idp.redirectUrl(`${base}/source/saml/transient/slo/`, 'SAMLRequest', xml, null));
    expect(page.url.startsWith(idp.sloUrl)).toBe(true);
    expect(TestSamlIdp.readRedirect(page.url).xml).toContain('LogoutResponse');
    expect(await app.ctx.store.repos.users.byUsername('_t-idp')).toBeNull();
  });

  it('a transient NameID equal to an existing username fails without touching that user', async () => {
    const taken = await app.ctx.store.repos.users.create({ username: 'taken-name', email: 'owner@example.com' });
    const before = await rowCounts(app);
    const { browser, final } = await transientLogin('taken-name');
    expect(final.status).toBe(400);
    expect(final.body).toContain('the username is already taken');
    expect(await rowCounts(app)).toEqual(before);
    expect(await whoAmI(base, browser)).toBeNull();
    expect((await app.ctx.store.repos.users.byId(taken.id))?.attributes).toEqual({});
  });
});
