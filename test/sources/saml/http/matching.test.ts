/**
 * What happens after a valid SAML response (the flow manager through the SAML source): every user
 * matching mode once, linking a signed-in user (SP-initiated only), the NameID comment
 * truncation attack, and group claim synchronisation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { startSession } from '../../../../src/services/sessions.js';
import { testKeyPair } from '../../../fakes/certs.js';
import type { ResponseOptions } from '../../../fakes/saml-idp.js';
import { createKeypair, createSamlSource, postCrossSite, startIdpServer, URN, whoAmI, type IdpServer } from './support.js';

let app: TestApp;
let base: string;
let idp: IdpServer;
const MODES = ['identifier', 'email_link', 'email_deny', 'username_link', 'username_deny'] as const;

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  const idpKeys = await testKeyPair('idp');
  idp = await startIdpServer({ signing: idpKeys });
  const verificationKp = await createKeypair(app, 'idp', { certificate: idpKeys.certificate });
  const settings = { sso_url: idp.ssoUrl, idp_entity_id: idp.idp.entityId, verification_kp: verificationKp, allow_idp_initiated: true };
  for (const mode of MODES) await createSamlSource(app, mode.replace('_', '-'), settings, { userMatchingMode: mode });
  await createSamlSource(app, 'groups', settings);
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await app?.close();
});

const acs = (slug: string) => `${base}/source/saml/${slug}/acs/`;
const repos = () => app.ctx.store.repos;

async function login(slug: string, o: Partial<ResponseOptions>, browser = new TestBrowser()) {
  const SAMLResponse = await idp.idp.buildResponseBase64({
    now: new Date(),
    acsUrl: acs(slug),
    audience: `${base}/source/saml/${slug}/metadata/`,
    ...o,
  });
  const { final } = await postCrossSite(browser, acs(slug), { SAMLResponse });
  return { final, browser, who: await whoAmI(base, browser) };
}

describe('user matching modes', () => {
  it('identifier: never adopts a same-named local user; enrolment asks for another username', async () => {
    await repos().users.create({ username: 'ida', email: 'ida@example.com' });
    const { final, browser } = await login('identifier', { nameId: 'ida', attributes: { email: ['ida@example.com'] } });
    expect(final.url).toBe(`${base}/if/flow/default-source-enrollment/`);
    expect(final.body).toContain('This username is already taken.');
    const done = await browser.submit(final, { username: 'ida-saml' });
    expect(done.url).toBe(`${base}/if/user/`);
    expect(await whoAmI(base, browser)).toBe('ida-saml');
  });

  it('email_link: SAML cannot vouch for emails, so an existing email is never adopted (flow manager rule)', async () => {
    const ellen = await repos().users.create({ username: 'ellen', email: 'ellen@example.com' });
    const { final, who } = await login('email-link', { nameId: 'ellen-at-idp', attributes: { email: ['ellen@example.com'] } });
    expect(final.status).toBe(403);
    expect(final.body).toContain('did not confirm that this email address belongs to you');
    expect(who).toBeNull();
    const source = await repos().sources.bySlug('email-link');
    expect(await repos().userConnections.byUserSource(ellen.id, source!.uuid)).toBeNull();
    // An email nobody has yet enrols.
    expect((await login('email-link', { nameId: 'erin', attributes: { email: ['erin@example.com'] } })).who).toBe('erin');
  });

  it('email_deny: refuses when the email already belongs to a user', async () => {
    await repos().users.create({ username: 'dan', email: 'dan@example.com' });
    const { final, who } = await login('email-deny', { nameId: 'dan-at-idp', attributes: { email: ['dan@example.com'] } });
    expect(final.status).toBe(403);
    expect(final.body).toContain('Request to authenticate with SAML email-deny has been denied.');
    expect(who).toBeNull();
  });

  it('username_link: links by the NameID as username', async () => {
    await repos().users.create({ username: 'ursula' });
    expect((await login('username-link', { nameId: 'ursula' })).who).toBe('ursula');
  });

  it('username_link: a comment inside the NameID cannot truncate it to an existing username', async () => {
    await repos().users.create({ username: 'admin@example.test' });
    const { who } = await login('username-link', {
      nameId: 'admin@example.test.evil.test',
      mutateAssertion: (xml) => xml.replace('admin@example.test.evil.test', 'admin@example.test<!---->.evil.test'),
    });
    expect(who).toBe('admin@example.test.evil.test');
  });

  it('username_deny: refuses an existing username', async () => {
    await repos().users.create({ username: 'ulrich' });
    const { final } = await login('username-deny', { nameId: 'ulrich' });
    expect(final.status).toBe(403);
  });

  it('SP-initiated login while signed in links the identity to that account', async () => {
    const lena = await repos().users.create({ username: 'lena' });
    const s = await startSession(app.ctx, repos(), lena.id);
    const browser = new TestBrowser();
    browser.cookies.set(new URL(base).host, new Map([['tributary_session', encodeURIComponent(app.http.signCookie(s.id))]]));
    idp.loginAs({ nameId: 'lena-at-idp' });
    const idpPage = await browser.get(`${base}/source/saml/identifier/`);
    const final = await browser.submit(idpPage);
    expect(final.body).toContain('Successfully linked SAML identifier!');
    const source = await repos().sources.bySlug('identifier');
    expect((await repos().userConnections.byUserSource(lena.id, source!.uuid))?.identifier).toBe('lena-at-idp');
  });
});

describe('group claim synchronisation', () => {
  const groupNames = async (username: string) => {
    const user = await repos().users.byUsername(username);
    const uuids = (await repos().users.groupUuidsOf([user!.id])).get(user!.id)!;
    return (await repos().groups.byUuids(uuids)).map((g) => g.name).sort();
  };

  it('creates and links claimed groups, and removes stale ones of this source only', async () => {
    const local = await repos().groups.create({ name: 'local-only' });
    await login('groups', { nameId: 'gwen', attributes: { [URN.groupClaim]: ['staff', 'devs'] } });
    const gwen = await repos().users.byUsername('gwen');
    await repos().groups.addMembers(local.uuid, [gwen!.id]);
    expect(await groupNames('gwen')).toEqual(['devs', 'local-only', 'staff']);

    const { who } = await login('groups', { nameId: 'gwen', attributes: { [URN.groupClaim]: ['staff'] } });
    expect(who).toBe('gwen');
    expect(await groupNames('gwen')).toEqual(['local-only', 'staff']);
    const source = await repos().sources.bySlug('groups');
    expect((await repos().groupConnections.bySourceIdentifier(source!.uuid, 'devs'))?.identifier).toBe('devs');
  });
});
