import { describe, expect, it } from 'vitest';
import { sameEndpoint } from '../../../src/protocols/saml/url-match.js';
import { ACS_URL, NOW, expectSamlError, setup, validate } from './helpers.js';

const plus = (s: number) => new Date(NOW.getTime() + s * 1000);
const HOLDER_OF_KEY = 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key';
const SENDER_VOUCHES = 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches';

describe('SAML response binding (SubjectConfirmation, Destination)', () => {
  it('accepts a response addressed to this source', async () => {
    const f = await setup();
    await expect(validate(f)).resolves.toMatchObject({ nameId: 'jdoe@example.test' });
  });

  it('refuses an assertion without SubjectConfirmation', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [] }), 'MismatchedBinding');
  });

  it('refuses a confirmation without SubjectConfirmationData', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ data: null }] }), 'MismatchedBinding');
  });

  it.each([
    ['another SP', 'https://other-sp.example.test/source/saml/okta/acs/'],
    ['another scheme', ACS_URL.replace('https://', 'http://')],
    ['another port', ACS_URL.replace('sp.example.test', 'sp.example.test:8443')],
    ['another path', ACS_URL.replace('/acs/', '/acs/x/')],
  ])('refuses a Recipient of %s', async (_name, recipient) => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ data: { recipient } }] }), 'MismatchedBinding');
  });

  it('accepts a Recipient that differs only in case, or spells out the default port', async () => {
    const f = await setup();
    await expect(validate(f, { subjectConfirmations: [{ data: { recipient: ACS_URL.toUpperCase() } }] })).resolves.toBeTruthy();
    await expect(validate(f, { subjectConfirmations: [{ data: { recipient: ACS_URL.replace('test/', 'test:443/') } }] })).resolves.toBeTruthy();
  });

  it('accepts two confirmations when one is for us; refuses when none is', async () => {
    const f = await setup();
    const other = { data: { recipient: 'https://other-sp.example.test/acs' } };
    await expect(validate(f, { subjectConfirmations: [other, {}] })).resolves.toBeTruthy();
    await expectSamlError(() => validate(f, { subjectConfirmations: [other, other] }), 'MismatchedBinding');
  });

  it('ignores confirmations with another Method, even unconstrained ones', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ method: HOLDER_OF_KEY }] }), 'MismatchedBinding');
    await expectSamlError(
      () => validate(f, { subjectConfirmations: [{ method: SENDER_VOUCHES, data: { recipient: null, notOnOrAfter: null, inResponseTo: null } }] }),
      'MismatchedBinding',
    );
  });

  it('reads a confirmation without Method as bearer', async () => {
    const f = await setup();
    await expect(validate(f, { subjectConfirmations: [{ method: null }] })).resolves.toBeTruthy();
  });

  it('refuses an expired confirmation', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ data: { notOnOrAfter: plus(-121) } }] }), 'Expired');
  });

  it('refuses a bearer confirmation without NotOnOrAfter (Profiles §4.1.4.2)', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ data: { notOnOrAfter: null } }] }), 'MismatchedBinding');
  });

  it('refuses a confirmation that is not valid yet', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ data: { notBefore: plus(200) } }] }), 'NotYetValid');
  });

  it('refuses a confirmation without InResponseTo in an SP-initiated login', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { subjectConfirmations: [{ data: { inResponseTo: null } }] }), 'MismatchedRequestID');
  });

  it('refuses a Destination of another SP but accepts a missing one', async () => {
    const f = await setup();
    await expectSamlError(() => validate(f, { destination: 'https://other-sp.example.test/acs' }), 'MismatchedBinding', /Destination/);
    await expect(validate(f, { destination: null })).resolves.toBeTruthy();
  });
});

describe('sameEndpoint', () => {
  it.each([
    ['https://a.test/x', 'https://a.test/x', true],
    ['HTTPS://A.TEST/X', 'https://a.test/x', true],
    ['https://a.test:443/x', 'https://a.test/x', true],
    ['http://a.test/x', 'https://a.test/x', false],
    ['https://a.test:444/x', 'https://a.test/x', false],
    ['https://a.test/x/', 'https://a.test/x', false],
    ['https://user@a.test/x', 'https://a.test/x', false],
    ['not a url', 'https://a.test/x', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(sameEndpoint(a, b)).toBe(expected);
  });
});
