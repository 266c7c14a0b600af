import { describe, expect, it } from 'vitest';
import { SIGNATURE_ALGORITHMS } from '../../../src/protocols/saml/algorithms.js';
import { createLogoutRequest, createLogoutResponse, parseLogoutRedirect } from '../../../src/protocols/saml/logout.js';
import { testKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp, URN } from '../../fakes/saml-idp.js';
import { IDP_ENTITY_ID, NOW, SP_ENTITY_ID, expectSamlError, setup } from './helpers.js';

const SP_SLO = 'https://sp.example.test/source/saml/okta/slo/';
const IDP_SLO = 'https://idp.example.test/slo';
const query = (url: string) => new URL(url).search.slice(1);
const plus = (s: number) => new Date(NOW.getTime() + s * 1000);

describe('Single logout (Redirect binding)', () => {
  it('builds a signed SP-initiated LogoutRequest the IdP can read and verify', async () => {
    const sp = await testKeyPair('sp-signing');
    const out = createLogoutRequest({
      sloUrl: IDP_SLO,
      spEntityId: SP_ENTITY_ID,
      now: NOW,
      nameId: 'jdoe@example.test',
      nameIdFormat: URN.persistent,
      sessionIndex: '_sess42',
      relayState: '/flows/-/default/invalidation/',
      signing: { privateKey: sp.privateKey, signatureAlgorithm: SIGNATURE_ALGORITHMS.rsaSha256 },
    });
    expect(out.url.startsWith(`${IDP_SLO}?SAMLRequest=`)).toBe(true);
    const parts = TestSamlIdp.readRedirect(out.url);
    expect(TestSamlIdp.verifyRedirectSignature(parts, sp.certificate)).toBe(true);
    expect(parts.relayState).toBe('/flows/-/default/invalidation/');
    expect(parts.xml).toContain(`ID="${out.requestId}"`);
    expect(parts.xml).toContain(`Destination="${IDP_SLO}"`);
    expect(parts.xml).toContain(`<saml:Issuer>${SP_ENTITY_ID}</saml:Issuer>`);
    expect(parts.xml).toContain(`<saml:NameID Format="${URN.persistent}">jdoe@example.test</saml:NameID>`);
    expect(parts.xml).toContain('<samlp:SessionIndex>_sess42</samlp:SessionIndex>');
  });

  it('round trip: our LogoutRequest → IdP LogoutResponse → parsed on our SLO endpoint', async () => {
    const f = await setup();
    const ours = createLogoutRequest({ sloUrl: IDP_SLO, spEntityId: SP_ENTITY_ID, now: NOW, nameId: 'jdoe' });
    const answer = f.idp.redirectUrl(
      SP_SLO,
      'SAMLResponse',
      f.idp.logoutResponseXml({ now: NOW, destination: SP_SLO, inResponseTo: ours.requestId }),
      'back-here',
    );
    const parsed = parseLogoutRedirect(query(answer), {
      verificationCerts: [f.idpKeys.certificate],
      sloUrl: SP_SLO,
      idpEntityId: IDP_ENTITY_ID,
      expectedRequestId: ours.requestId,
      now: NOW,
    });
    expect(parsed).toMatchObject({
      kind: 'LogoutResponse',
      inResponseTo: ours.requestId,
      success: true,
      relayState: 'back-here',
      signatureVerified: true,
      issuer: IDP_ENTITY_ID,
    });
    await expectSamlError(
      () => parseLogoutRedirect(query(answer), { verificationCerts: [f.idpKeys.certificate], expectedRequestId: '_another', now: NOW }),
      'MismatchedRequestID',
    );
  });

  it('round trip: IdP LogoutRequest → parsed → our LogoutResponse the IdP can verify', async () => {
    const f = await setup();
    const sp = await testKeyPair('sp-signing');
    const incoming = f.idp.redirectUrl(
      SP_SLO,
      'SAMLRequest',
      f.idp.logoutRequestXml({ id: '_idplogout1', now: NOW, destination: SP_SLO, nameId: 'jdoe', sessionIndex: '_sess42' }),
      'rs',
    );
    const parsed = parseLogoutRedirect(query(incoming), {
      verificationCerts: [f.idpKeys.certificate],
      sloUrl: SP_SLO,
      idpEntityId: IDP_ENTITY_ID,
      now: NOW,
    });
    if (parsed.kind !== 'LogoutRequest') throw new Error('expected a LogoutRequest');
    expect(parsed).toMatchObject({ id: '_idplogout1', nameId: 'jdoe', nameIdFormat: URN.persistent, sessionIndexes: ['_sess42'], relayState: 'rs' });

    const reply = createLogoutResponse({
      sloUrl: IDP_SLO,
      spEntityId: SP_ENTITY_ID,
      now: NOW,
      inResponseTo: parsed.id,
      relayState: parsed.relayState,
      signing: { privateKey: sp.privateKey, signatureAlgorithm: SIGNATURE_ALGORITHMS.rsaSha256 },
    });
    const parts = TestSamlIdp.readRedirect(reply.url);
    expect(TestSamlIdp.verifyRedirectSignature(parts, sp.certificate)).toBe(true);
    expect(parts.xml).toContain('InResponseTo="_idplogout1"');
    expect(parts.xml).toContain(`<samlp:StatusCode Value="${URN.success}"/>`);
    expect(parts.relayState).toBe('rs');
  });

  it('refuses logout messages for another endpoint, from another issuer, expired, or unsigned', async () => {
    const f = await setup();
    const req = (destination: string, extra: { notOnOrAfter?: Date } = {}) =>
      f.idp.logoutRequestXml({ now: NOW, destination, nameId: 'jdoe', ...extra });
    const opts = { verificationCerts: [f.idpKeys.certificate], sloUrl: SP_SLO, idpEntityId: IDP_ENTITY_ID, now: NOW };
    await expectSamlError(
      () => parseLogoutRedirect(query(f.idp.redirectUrl(SP_SLO, 'SAMLRequest', req('https://other.test/slo'), null)), opts),
      'MismatchedBinding',
    );
    await expectSamlError(
      () =>
        parseLogoutRedirect(query(f.idp.redirectUrl(SP_SLO, 'SAMLRequest', req(SP_SLO), null)), { ...opts, idpEntityId: 'https://other-idp.test/' }),
      'IssuerMismatch',
    );
    await expectSamlError(
      () => parseLogoutRedirect(query(f.idp.redirectUrl(SP_SLO, 'SAMLRequest', req(SP_SLO, { notOnOrAfter: plus(-600) }), null)), opts),
      'Expired',
    );
    await expectSamlError(
      () => parseLogoutRedirect(query(f.idp.redirectUrl(SP_SLO, 'SAMLRequest', req(SP_SLO), null, false)), opts),
      'InvalidSignature',
    );
    const wrongKind = f.idp.redirectUrl(SP_SLO, 'SAMLRequest', f.idp.logoutResponseXml({ now: NOW, destination: SP_SLO, inResponseTo: '_x' }), null);
    await expectSamlError(() => parseLogoutRedirect(query(wrongKind), opts), 'InvalidXml', /not a samlp:LogoutRequest/);
  });

  it('reports a non-success LogoutResponse', async () => {
    const f = await setup();
    const url = f.idp.redirectUrl(
      SP_SLO,
      'SAMLResponse',
      f.idp.logoutResponseXml({ now: NOW, destination: SP_SLO, inResponseTo: '_r', statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }),
      null,
    );
    expect(parseLogoutRedirect(query(url), { now: NOW })).toMatchObject({
      success: false,
      statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
      signatureVerified: false,
    });
  });
});
