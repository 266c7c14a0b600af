/**
 * Periodic IdP metadata refresh: endpoints follow the metadata, new signing certificates join
 * the rollover list (and then verify), nothing changes on a second run, and broken sources are
 * reported without stopping the others.
 */
import { requestUrl } from '../../support/fetch-calls.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSamlResponseValidator } from '../../../src/protocols/saml/index.js';
import { samlMetadataRefreshJob, refreshSamlSourceMetadata } from '../../../src/sources/saml/metadata-refresh-job.js';
import { validatorSettings } from '../../../src/sources/saml/source-config.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { testKeyPair, type TestKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp } from '../../fakes/saml-idp.js';
import { createKeypair, createSamlSource } from './http/support.js';

const BASE = 'https://sp.example.test';
let app: TestApp;
let current: TestKeyPair;
let next: TestKeyPair;
let idp: TestSamlIdp;
const documents = new Map<string, () => { status: number; body: string } | Promise<{ status: number; body: string }>>();
const fetched: string[] = [];

const fakeFetch = (async (input: string | URL | Request) => {
  const url = requestUrl(input);
  fetched.push(url);
  const doc = documents.get(url);
  if (!doc) return new Response('not found', { status: 404 });
  const { status, body } = await doc();
  return new Response(body, { status, headers: { 'content-type': 'application/samlmetadata+xml' } });
}) as typeof fetch;

beforeAll(async () => {
  app = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: BASE }, fetch: fakeFetch });
  [current, next] = await Promise.all([testKeyPair('idp'), testKeyPair('idp-next')]);
  idp = new TestSamlIdp({
    entityId: 'https://idp.example.test/metadata',
    ssoUrl: 'https://idp.example.test/sso/v2',
    sloUrl: 'https://idp.example.test/slo/v2',
    signing: next,
  });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

describe('IdP metadata refresh', () => {
  it('updates endpoints, adds the new signing certificate, and the new key then verifies', async () => {
    const verificationKp = await createKeypair(app, 'idp-current', { certificate: current.certificate });
    documents.set('https://idp.example.test/md', () => ({ status: 200, body: idp.metadataXml({ extraCertificates: [current.certificate] }) }));
    const source = await createSamlSource(app, 'rolling', {
      metadata_url: 'https://idp.example.test/md',
      idp_entity_id: idp.entityId,
      sso_url: 'https://idp.example.test/old-sso',
      verification_kp: verificationKp,
      binding_type: 'POST',
    });
    const result = await refreshSamlSourceMetadata(app.ctx, source);
    expect(result).toEqual({ changed: ['sso_url', 'slo_url', 'verification_kps'], addedCertificates: 1 });
    const updated = (await app.ctx.store.repos.kindSources.saml.byUuid(source.uuid))!;
    expect(updated.settings.sso_url).toBe('https://idp.example.test/sso/v2/post');
    expect(updated.settings.slo_url).toBe('https://idp.example.test/slo/v2');
    expect(updated.settings.verification_kp).toBe(verificationKp);
    expect(updated.settings.verification_kps).toHaveLength(1);
    const added = await app.ctx.store.repos.keypairs.byUuid(updated.settings.verification_kps[0]);
    expect(added?.name).toMatch(/^SAML rolling: IdP signing certificate [0-9a-f]{16}$/);
    expect(added?.hasPrivateKey).toBe(false);

    // A response signed with the rolled-over key verifies now.
    const settings = await validatorSettings(app.ctx, updated, BASE);
    const now = new Date();
    const response = await idp.buildResponseBase64({
      now,
      acsUrl: settings.acsUrl,
      audience: settings.spEntityId,
      nameId: 'roll',
      inResponseTo: null,
    });
    expect(createSamlResponseValidator({ ...settings, allowIdpInitiated: true })(response, { now }).nameId).toBe('roll');

    // Second run: nothing left to change, no duplicate key pair.
    expect(await refreshSamlSourceMetadata(app.ctx, updated)).toEqual({ changed: [], addedCertificates: 0 });
  });

  it('lets an admin edit made while the metadata was being fetched win', async () => {
    const source = await createSamlSource(app, 'edited', {
      metadata_url: 'https://idp.example.test/md-edit',
      idp_entity_id: idp.entityId,
      sso_url: 'https://idp.example.test/old',
      binding_type: 'POST',
    });
    documents.set('https://idp.example.test/md-edit', async () => {
      // The admin points the source at another IdP while our fetch is in flight.
      await app.ctx.store.repos.kindSources.saml.update(source.uuid, {}, { sso_url: 'https://other-idp.example.test/sso' });
      return { status: 200, body: idp.metadataXml() };
    });
    const result = await refreshSamlSourceMetadata(app.ctx, source);
    expect(result).toEqual({ changed: [], addedCertificates: 0 });
    expect((await app.ctx.store.repos.kindSources.saml.byUuid(source.uuid))!.settings.sso_url).toBe('https://other-idp.example.test/sso');
  });

  it('never switches on signature checks for a source without verification certificate', async () => {
    documents.set('https://idp.example.test/md-nokp', () => ({ status: 200, body: idp.metadataXml() }));
    const source = await createSamlSource(app, 'no-kp', {
      metadata_url: 'https://idp.example.test/md-nokp',
      sso_url: 'https://idp.example.test/sso/v2',
    });
    expect(await refreshSamlSourceMetadata(app.ctx, source)).toEqual({ changed: ['slo_url'], addedCertificates: 0 });
    expect((await app.ctx.store.repos.kindSources.saml.byUuid(source.uuid))!.settings.verification_kps).toEqual([]);
  });

  it('the job reports failing sources together and still refreshes the others', async () => {
    documents.set('https://idp.example.test/md-fresh', () => ({ status: 200, body: idp.metadataXml() }));
    documents.set('https://idp.example.test/md-500', () => ({ status: 500, body: 'oops' }));
    documents.set('https://idp.example.test/md-other', () => ({ status: 200, body: idp.metadataXml() }));
    await createSamlSource(app, 'fresh', { metadata_url: 'https://idp.example.test/md-fresh', sso_url: 'https://x.invalid/' });
    await createSamlSource(app, 'broken', { metadata_url: 'https://idp.example.test/md-500' });
    await createSamlSource(app, 'plain-http', { metadata_url: 'http://idp.example.test/md' });
    await createSamlSource(app, 'other-entity', {
      metadata_url: 'https://idp.example.test/md-other',
      idp_entity_id: 'https://someone-else.example/',
    });
    fetched.length = 0;
    const error = (await samlMetadataRefreshJob(app.ctx)
      .run()
      .catch((e: unknown) => e)) as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    const messages = error.errors.map((e: Error) => e.message).sort();
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^SAML source broken: .*HTTP 500/);
    expect(messages[1]).toMatch(/^SAML source other-entity: .*someone-else/);
    expect(messages[2]).toMatch(/^SAML source plain-http: .*must use https/);
    expect(fetched).not.toContain('http://idp.example.test/md');
    expect((await app.ctx.store.repos.kindSources.saml.bySlug('fresh'))!.settings.sso_url).toBe('https://idp.example.test/sso/v2');
  });
});
