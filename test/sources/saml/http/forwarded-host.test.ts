/**
 * The forwarded-host attack: with TRIBUTARY_PUBLIC_URL unset, a client that could pick our
 * host through X-Forwarded-Host/-Proto could make the ACS accept a Response whose Destination
 * and Audience name another SP (https://evil.example/…). By default those headers are not
 * trusted, so such a Response is refused and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { testKeyPair } from '../../../fakes/certs.js';
import { TestSamlIdp } from '../../../fakes/saml-idp.js';
import { createKeypair, createSamlSource, rowCounts } from './support.js';

const FORWARDED = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
/** What the app derives from an injected request (Host: localhost:80) without trusted headers. */
const OWN = 'http://localhost:80';
const EVIL = 'https://evil.example';

let idp: TestSamlIdp;
const apps: TestApp[] = [];

async function appWith(env: Record<string, string>): Promise<TestApp> {
  const app = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: '', ...env } });
  apps.push(app);
  const verificationKp = await createKeypair(app, 'idp', { certificate: idp.certificate });
  await createSamlSource(app, 'victim', {
    sso_url: idp.config.ssoUrl,
    idp_entity_id: idp.entityId,
    verification_kp: verificationKp,
    allow_idp_initiated: true,
  });
  return app;
}

beforeAll(async () => {
  idp = new TestSamlIdp({
    entityId: 'https://idp.example.test/metadata',
    ssoUrl: 'https://idp.example.test/sso',
    sloUrl: 'https://idp.example.test/slo',
    signing: await testKeyPair('idp'),
  });
}, 60_000);
afterAll(async () => {
  for (const app of apps) await app.close();
});

/** A signed, unsolicited Response addressed to the SP at `origin`, posted to our ACS. */
async function postResponse(app: TestApp, origin: string, nameId: string) {
  const SAMLResponse = await idp.buildResponseBase64({
    now: new Date(),
    acsUrl: `${origin}/source/saml/victim/acs/`,
    audience: `${origin}/source/saml/victim/metadata/`,
    nameId,
    attributes: { email: [`${nameId}@example.com`] },
  });
  return app.request({
    method: 'POST',
    url: '/source/saml/victim/acs/',
    // `_bounced`: the second, same-site round of the cross-site bounce.
    payload: new URLSearchParams({ SAMLResponse, _bounced: '1' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...FORWARDED },
    token: null,
  });
}

describe('a Response for https://evil.example at our ACS', () => {
  it('is refused by default even with X-Forwarded-Host: evil.example and X-Forwarded-Proto: https', async () => {
    const app = await appWith({});
    const before = await rowCounts(app);
    const res = await postResponse(app, EVIL, 'mallory');
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(await rowCounts(app)).toEqual(before);
    expect(await app.ctx.store.repos.users.byUsername('mallory')).toBeNull();

    // The same Response addressed to this server's own URL is accepted: only the host differs.
    const own = await postResponse(app, OWN, 'olivia');
    expect(own.statusCode, own.body).toBe(302);
  });

  it('is accepted only when the operator trusts the proxy that sends those headers', async () => {
    const app = await appWith({ TRIBUTARY_TRUST_PROXY: 'true' });
    const res = await postResponse(app, EVIL, 'proxied');
    expect(res.statusCode, res.body).toBe(302);
  });
});
