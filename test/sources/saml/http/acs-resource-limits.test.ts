/**
 * The ACS is reachable by anyone. A stream of well-formed but hostile Responses (a DOM of
 * 100,000 elements, deep nesting, thousands of attributes or References) must be refused with
 * a clear page, each cheaply enough that the server keeps serving everyone else meanwhile.
 * Before the fix one such document held the event loop for seconds; this stream would have
 * taken minutes and starved the health check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { testKeyPair } from '../../../fakes/certs.js';
import { TestSamlIdp } from '../../../fakes/saml-idp.js';
import { hostileVariants } from '../../../fixtures/saml/hostile.js';
import { createSamlSourceViaApi } from './source-api.js';
import { createKeypair, rowCounts } from './support.js';

let app: TestApp;
let base: string;
let idp: TestSamlIdp;
const SLUG = 'hostile';

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  const signing = await testKeyPair('idp');
  idp = new TestSamlIdp({
    entityId: 'https://idp.example.test/metadata',
    ssoUrl: 'https://idp.example.test/sso',
    sloUrl: 'https://idp.example.test/slo',
    signing,
  });
  const verificationKp = await createKeypair(app, 'idp', { certificate: signing.certificate });
  await createSamlSourceViaApi(app, SLUG, {
    sso_url: idp.config.ssoUrl,
    verification_kp: verificationKp,
    signed_assertion: true,
    allow_idp_initiated: true,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const acsUrl = () => `${base}/source/saml/${SLUG}/acs/`;

/** What a browser posts after our cross-site bounce (so the document reaches the validator). */
function form(xml: string): string {
  return new URLSearchParams({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64'), _bounced: '1' }).toString();
}

describe('hostile Responses at the ACS', () => {
  it('are refused with a clear page while /-/health/live/ keeps answering', async () => {
    const genuine = await idp.buildResponse({
      now: new Date(),
      acsUrl: acsUrl(),
      audience: `${base}/source/saml/${SLUG}/metadata/`,
      nameId: 'mallory',
      attributes: { email: ['mallory@example.com'] },
    });
    const bodies = Object.entries(hostileVariants(genuine)).map(([name, xml]) => ({ name, body: form(xml) }));
    const before = await rowCounts(app);

    const TOTAL = 60;
    const CONCURRENCY = 4;
    const events: Array<'post' | 'health'> = [];
    let started = 0;
    let finished = 0;
    const refusals = new Map<string, string>();

    const poster = async () => {
      while (started < TOTAL) {
        const { name, body } = bodies[started++ % bodies.length];
        const res = await fetch(acsUrl(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          redirect: 'manual',
        });
        const page = await res.text();
        expect(res.status, `${name}: ${page.slice(0, 300)}`).toBe(400);
        refusals.set(name, /<p class="message">([^<]*)<\/p>/.exec(page)?.[1] ?? page.slice(0, 200));
        finished++;
        events.push('post');
      }
    };
    const prober = async () => {
      while (finished < TOTAL) {
        const res = await fetch(`${base}/-/health/live/`);
        expect(res.status).toBe(200);
        await res.text();
        events.push('health');
      }
    };
    await Promise.all([...Array.from({ length: CONCURRENCY }, poster), prober()]);

    // Every variant was refused for what it is, before any signature work.
    expect(Object.fromEntries(refusals)).toEqual({
      'many elements': 'The SAMLResponse is too large or too complex to process (more than 5000 elements).',
      'deep nesting': 'The SAMLResponse is too large or too complex to process (elements nested more than 48 deep).',
      'many attributes': 'The SAMLResponse is too large or too complex to process (an element with more than 48 attributes).',
      'huge attribute value': 'The SAMLResponse is too large or too complex to process (an attribute value longer than 8192 characters).',
      'many References': 'The SAMLResponse is too large or too complex to process (more than 5000 elements).',
      oversized: 'The SAMLResponse is too large or too complex to process (more than 524288 characters).',
    });
    // The health check was answered while hostile POSTs were still being processed, repeatedly.
    const lastPost = events.lastIndexOf('post');
    expect(events.slice(0, lastPost).filter((e) => e === 'health').length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e === 'post')).toHaveLength(TOTAL);
    expect(await rowCounts(app)).toEqual(before);
  }, 60_000);
});
