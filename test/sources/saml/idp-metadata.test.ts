/**
 * One reading of IdP metadata for the admin import and the refresh job: the same fetch rules
 * (https only, capped, no upstream body in errors) and the same key pair per certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSamlSourceMetadata } from '../../../src/sources/saml/metadata-refresh-job.js';
import { testKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp } from '../../fakes/saml-idp.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createSaml } from '../../http/api/v3/sources/helpers.js';

let app: TestApp;
let idp: TestSamlIdp;
let next: string;
const served = new Map<string, () => Response>();

beforeAll(async () => {
  const fakeFetch: typeof fetch = async (input) =>
    served.get(String(input instanceof Request ? input.url : input))?.() ?? new Response('nope', { status: 404 });
  app = await createTestApp({ fetch: fakeFetch });
  idp = new TestSamlIdp({
    entityId: 'https://idp.example.test/entity',
    ssoUrl: 'https://idp.example.test/sso',
    sloUrl: 'https://idp.example.test/slo',
    signing: await testKeyPair('idp'),
  });
  next = (await testKeyPair('idp-next')).certificate;
  served.set('https://idp.example.test/md', () => new Response(idp.metadataXml({ extraCertificates: [next] })));
  served.set('http://idp.example.test/md', () => new Response(idp.metadataXml()));
  served.set('https://idp.example.test/secret-500', () => new Response('internal token=abc123', { status: 500 }));
});
afterAll(async () => app?.close());

const keypairCount = async () => (await app.ctx.store.repos.keypairs.list({ filters: [], search: null, ordering: [], offset: 0, limit: 1 })).total;
const importFrom = (slug: string, payload: Record<string, unknown>) =>
  app.request({ method: 'POST', url: `/api/v3/sources/saml/${slug}/import_metadata/`, payload });

describe('IdP metadata: import and refresh share one fetcher and one key pair rule', () => {
  it('re-importing after the source was renamed reuses the key pairs it verifies with', async () => {
    await createSaml(app, 'renamed', { name: 'Before' });
    const first = (await importFrom('renamed', { metadata_url: 'https://idp.example.test/md' })).json();
    const before = await keypairCount();
    await app.request({ method: 'PATCH', url: '/api/v3/sources/saml/renamed/', payload: { name: 'After' } });
    const again = (await importFrom('renamed', { metadata_url: 'https://idp.example.test/md' })).json();
    expect(again.verification_kp).toBe(first.verification_kp);
    expect(again.verification_kps).toEqual(first.verification_kps);
    expect(await keypairCount()).toBe(before);
  });

  it('a refresh after an import adds no second key pair for the same certificates', async () => {
    await createSaml(app, 'then-refresh');
    await importFrom('then-refresh', { metadata_url: 'https://idp.example.test/md' });
    const before = await keypairCount();
    const source = (await app.ctx.store.repos.kindSources.saml.bySlug('then-refresh'))!;
    expect(await refreshSamlSourceMetadata(app.ctx, source)).toEqual({ changed: [], addedCertificates: 0 });
    expect(await keypairCount()).toBe(before);
  });

  it('the import refuses plain-http metadata URLs, as the refresh job does', async () => {
    await createSaml(app, 'plain');
    const res = await importFrom('plain', { metadata_url: 'http://idp.example.test/md' });
    expect(res.statusCode).toBe(400);
    expect(res.json().metadata_url[0]).toMatch(/must use https/);
  });

  it('never quotes the upstream body in an error', async () => {
    await createSaml(app, 'upstream-500');
    const res = await importFrom('upstream-500', { metadata_url: 'https://idp.example.test/secret-500' });
    expect(res.json()).toEqual({ metadata_url: ['Failed to fetch metadata: HTTP 500'] });
    expect(res.body).not.toContain('abc123');
  });
});
