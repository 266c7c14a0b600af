import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeyPair } from '../../../fakes/certs.js';
import { TestSamlIdp } from '../../../fakes/saml-idp.js';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { missingRequiredKeys } from '../../../support/client-models.js';
import { createKeypair, createSaml, createUser, flowUuid, PERMISSION_DENIED } from '../../../http/api/v3/sources/helpers.js';

let idp: TestSamlIdp;
let next: string;

const fakeFetch: typeof fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url === 'https://idp.example.test/metadata')
    return new Response(idp.metadataXml({ extraCertificates: [next] }), { headers: { 'content-type': 'application/samlmetadata+xml' } });
  return new Response('nope', { status: 404 });
};

let app: TestApp;
let preAuth: string;
beforeAll(async () => {
  app = await createTestApp({ fetch: fakeFetch });
  preAuth = await flowUuid(app, 'default-source-pre-authentication');
  idp = new TestSamlIdp({
    entityId: 'https://idp.example.test/entity',
    ssoUrl: 'https://idp.example.test/sso',
    sloUrl: 'https://idp.example.test/slo',
    signing: await testKeyPair('idp'),
  });
  next = (await testKeyPair('idp-next')).certificate;
});
afterAll(async () => app?.close());

const post = (payload: Record<string, unknown>) => app.request({ method: 'POST', url: '/api/v3/sources/saml/', payload });

describe('/api/v3/sources/saml/', () => {
  it('requires name, slug, sso_url and pre_authentication_flow', async () => {
    const res = await post({});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      name: ['This field is required.'],
      slug: ['This field is required.'],
      pre_authentication_flow: ['This field is required.'],
      sso_url: ['This field is required.'],
    });
  });

  it('creates with authentik defaults and the 2024.8 shape plus documented extras', async () => {
    const res = await post({ name: 'Corp IdP', slug: 'corp', sso_url: 'https://idp.example.test/sso', pre_authentication_flow: preAuth });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(missingRequiredKeys('SAMLSource', body)).toEqual([]);
    expect(body).toMatchObject({
      component: 'ak-source-saml-form',
      verbose_name: 'SAML Source',
      verbose_name_plural: 'SAML Sources',
      meta_model_name: 'authentik_sources_saml.samlsource',
      issuer: null,
      slo_url: null,
      allow_idp_initiated: false,
      name_id_policy: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      binding_type: 'REDIRECT',
      digest_algorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      signature_algorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      temporary_user_delete_after: 'days=1',
      signed_assertion: true,
      signed_response: false,
      force_authn: false,
      verification_kp: null,
      signing_kp: null,
      encryption_kp: null,
    });
  });

  it('validates enums, URLs, duration strings and references', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await post({
      name: 'Bad',
      slug: 'bad',
      sso_url: 'ftp:/nothing',
      pre_authentication_flow: missing,
      name_id_policy: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      binding_type: 'ARTIFACT',
      digest_algorithm: 'md5',
      signature_algorithm: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      sso_url: ['Enter a valid URL.'],
      name_id_policy: ['"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" is not a valid choice.'],
      binding_type: ['"ARTIFACT" is not a valid choice.'],
      digest_algorithm: ['"md5" is not a valid choice.'],
      signature_algorithm: ['"http://www.w3.org/2000/09/xmldsig#hmac-sha1" is not a valid choice.'],
    });
    const refs = await post({
      name: 'Refs',
      slug: 'refs',
      sso_url: 'https://i/s',
      pre_authentication_flow: missing,
      verification_kp: missing,
      temporary_user_delete_after: 'fortnights=2',
    });
    expect(refs.json()).toEqual({
      pre_authentication_flow: [`Invalid pk "${missing}" - object does not exist.`],
      verification_kp: [`Invalid pk "${missing}" - object does not exist.`],
      temporary_user_delete_after: ["fortnights=2 is not in the correct format of 'hours=3;minutes=1'."],
    });
    const ok = await post({
      name: 'Dur',
      slug: 'dur',
      sso_url: 'https://i/s',
      pre_authentication_flow: preAuth,
      temporary_user_delete_after: 'hours=3;minutes=1',
    });
    expect(ok.json().temporary_user_delete_after).toBe('hours=3;minutes=1');
  });

  it('needs a signed assertion or response when a verification certificate is set', async () => {
    const kp = await createKeypair(app, 'verify-only', false);
    const message =
      "With a Verification Certificate selected, at least one of 'Verify Assertion Signature' or 'Verify Response Signature' must be selected.";
    const res = await post({
      name: 'V',
      slug: 'v',
      sso_url: 'https://i/s',
      pre_authentication_flow: preAuth,
      verification_kp: kp,
      signed_assertion: false,
      signed_response: false,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ verification_kp: [message] });
    const ok = await post({
      name: 'V',
      slug: 'v',
      sso_url: 'https://i/s',
      pre_authentication_flow: preAuth,
      verification_kp: kp,
      signed_assertion: false,
      signed_response: true,
    });
    expect(ok.statusCode).toBe(201);
    const patch = await app.request({ method: 'PATCH', url: '/api/v3/sources/saml/v/', payload: { signed_response: false } });
    expect(patch.json()).toEqual({ verification_kp: [message] });
    const signing = await post({ name: 'S', slug: 's', sso_url: 'https://i/s', pre_authentication_flow: preAuth, signing_kp: kp });
    expect(signing.json()).toEqual({ signing_kp: ['Key pair "verify-only" has no private key.'] });
  });

  it('accepts issuer_override as an alias of issuer', async () => {
    const res = await post({
      name: 'Alias',
      slug: 'alias',
      sso_url: 'https://i/s',
      pre_authentication_flow: preAuth,
      issuer_override: 'urn:sp:alias',
    });
    expect(res.json().issuer).toBe('urn:sp:alias');
    const patched = await app.request({ method: 'PATCH', url: '/api/v3/sources/saml/alias/', payload: { issuer: 'urn:sp:direct' } });
    expect(patched.json().issuer).toBe('urn:sp:direct');
    const filtered = await app.request({ method: 'GET', url: '/api/v3/sources/saml/?issuer=urn:sp:direct' });
    expect(filtered.json().results.map((s: { slug: string }) => s.slug)).toEqual(['alias']);
  });

  it('serves SP metadata: entityID = issuer or the metadata URL, signing certificate published', async () => {
    const signing = await createKeypair(app, 'sp-signing');
    await createSaml(app, 'meta', { name: 'Meta', signing_kp: signing });
    const res = await app.request({ method: 'GET', url: '/api/v3/sources/saml/meta/metadata/' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(missingRequiredKeys('SAMLMetadata', body)).toEqual([]);
    expect(body.download_url).toBe('/source/saml/meta/metadata/');
    expect(body.metadata).toContain('entityID="http://testserver/source/saml/meta/metadata/"');
    expect(body.metadata).toContain('Location="http://testserver/source/saml/meta/acs/"');
    expect(body.metadata).toContain('<md:KeyDescriptor use="signing">');
    const again = await app.request({ method: 'GET', url: '/api/v3/sources/saml/meta/metadata/' });
    expect(again.json().metadata).toBe(body.metadata);
    await app.request({ method: 'PATCH', url: '/api/v3/sources/saml/meta/', payload: { issuer: 'urn:tributary:sp' } });
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/saml/meta/metadata/' })).json().metadata).toContain(
      'entityID="urn:tributary:sp"',
    );
  });

  it('imports IdP metadata from XML: endpoints (Redirect preferred), entity id and certificates', async () => {
    await createSaml(app, 'imported', { name: 'Imported', binding_type: 'POST' });
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/sources/saml/imported/import_metadata/',
      payload: { metadata: idp.metadataXml({ extraCertificates: [next] }) },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      sso_url: 'https://idp.example.test/sso',
      slo_url: 'https://idp.example.test/slo',
      binding_type: 'REDIRECT',
      idp_entity_id: 'https://idp.example.test/entity',
    });
    expect(body.verification_kp).toBeTruthy();
    expect(body.verification_kps).toHaveLength(1);
    const kp = await app.ctx.store.repos.keypairs.byUuid(body.verification_kp);
    expect(kp!.certificateData.replace(/\s/g, '')).toBe(idp.certificate.replace(/\s/g, ''));
    expect(kp!.hasPrivateKey).toBe(false);
    // Importing the same document again reuses the key pairs.
    const again = await app.request({
      method: 'POST',
      url: '/api/v3/sources/saml/imported/import_metadata/',
      payload: { metadata: idp.metadataXml({ extraCertificates: [next] }) },
    });
    expect(again.json().verification_kp).toBe(body.verification_kp);
  });

  it('imports IdP metadata from a URL through the fetch port, and reports bad input', async () => {
    await createSaml(app, 'by-url', { name: 'By URL' });
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/sources/saml/by-url/import_metadata/',
      payload: { metadata_url: 'https://idp.example.test/metadata' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ metadata_url: 'https://idp.example.test/metadata', idp_entity_id: 'https://idp.example.test/entity' });
    const none = await app.request({ method: 'POST', url: '/api/v3/sources/saml/by-url/import_metadata/', payload: {} });
    expect(none.json()).toEqual({ non_field_errors: ['Either metadata or metadata_url is required.'] });
    const garbage = await app.request({
      method: 'POST',
      url: '/api/v3/sources/saml/by-url/import_metadata/',
      payload: { metadata: '<notmetadata/>' },
    });
    expect(garbage.statusCode).toBe(400);
    expect(Object.keys(garbage.json())).toEqual(['metadata']);
    const down = await app.request({
      method: 'POST',
      url: '/api/v3/sources/saml/by-url/import_metadata/',
      payload: { metadata_url: 'https://idp.example.test/404' },
    });
    expect(down.json()).toEqual({ metadata_url: ['Failed to fetch metadata: HTTP 404'] });
  });

  it('filters, searches, orders and is admin-only', async () => {
    const post = await app.request({ method: 'GET', url: '/api/v3/sources/saml/?binding_type=REDIRECT&ordering=-slug' });
    const slugs = post.json().results.map((s: { slug: string }) => s.slug);
    expect(slugs).toEqual([...slugs].sort().reverse());
    const flow = await app.request({ method: 'GET', url: `/api/v3/sources/saml/?pre_authentication_flow=${preAuth}&search=IMPORT` });
    expect(flow.json().results.map((s: { slug: string }) => s.slug)).toEqual(['imported']);
    const { token } = await createUser(app, 'plain');
    const denied = await app.request({ method: 'GET', url: '/api/v3/sources/saml/corp/', token });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual(PERMISSION_DENIED);
  });
});
