import { expect } from 'vitest';
import { SamlError } from '../../../src/protocols/saml/errors.js';
import type { SamlErrorReason } from '../../../src/protocols/saml/errors.js';
import { validateSamlResponse } from '../../../src/protocols/saml/response-validator.js';
import type { SamlAssertionResult, SamlResponseValidationConfig } from '../../../src/protocols/saml/response-validator.js';
import { testKeyPair } from '../../fakes/certs.js';
import type { TestKeyPair } from '../../fakes/certs.js';
import { TestSamlIdp, URN } from '../../fakes/saml-idp.js';
import type { ResponseOptions } from '../../fakes/saml-idp.js';

export const NOW = new Date('2024-06-01T12:00:00Z');
export const ACS_URL = 'https://sp.example.test/source/saml/okta/acs/';
export const SP_ENTITY_ID = 'https://sp.example.test/source/saml/okta/metadata/';
export const IDP_ENTITY_ID = 'https://idp.example.test/metadata';
export const REQUEST_ID = '_4f1c2b7e9a0d4c3f8e6b5a4d3c2b1a0f9e8d7c6b';

export interface Fixture {
  idp: TestSamlIdp;
  idpKeys: TestKeyPair;
  spEncryption: TestKeyPair;
  attacker: TestKeyPair;
}

let fixture: Promise<Fixture> | undefined;
export function setup(): Promise<Fixture> {
  fixture ??= (async () => {
    const [idpKeys, spEncryption, attacker] = await Promise.all([testKeyPair('idp'), testKeyPair('sp-encryption'), testKeyPair('attacker')]);
    const idp = new TestSamlIdp({
      entityId: IDP_ENTITY_ID,
      ssoUrl: 'https://idp.example.test/sso',
      sloUrl: 'https://idp.example.test/slo',
      signing: idpKeys,
    });
    return { idp, idpKeys, spEncryption, attacker };
  })();
  return fixture;
}

/** IdP response options for a normal SP-initiated login. */
export function responseOptions(extra: Partial<ResponseOptions> = {}): ResponseOptions {
  return {
    now: NOW,
    acsUrl: ACS_URL,
    audience: SP_ENTITY_ID,
    inResponseTo: REQUEST_ID,
    nameId: 'jdoe@example.test',
    attributes: { email: ['jdoe@example.test'], [URN.groupClaim]: ['admins', 'staff'] },
    ...extra,
  };
}

/** Validator config matching responseOptions(): signed assertion required, SP-initiated. */
export function validatorConfig(f: Fixture, extra: Partial<SamlResponseValidationConfig> = {}): SamlResponseValidationConfig {
  return {
    acsUrl: ACS_URL,
    spEntityId: SP_ENTITY_ID,
    idpEntityId: IDP_ENTITY_ID,
    verificationCerts: [f.idpKeys.certificate],
    requireSignedAssertion: true,
    requireSignedResponse: false,
    allowIdpInitiated: false,
    expectedRequestId: REQUEST_ID,
    now: NOW,
    ...extra,
  };
}

export async function validate(
  f: Fixture,
  options: Partial<ResponseOptions> = {},
  config: Partial<SamlResponseValidationConfig> = {},
): Promise<SamlAssertionResult> {
  const b64 = await f.idp.buildResponseBase64(responseOptions(options));
  return validateSamlResponse(b64, validatorConfig(f, config));
}

/** Asserts that `run` throws a SamlError with `reason` (and optionally a message fragment). */
export async function expectSamlError(run: () => unknown, reason: SamlErrorReason, message?: string | RegExp): Promise<SamlError> {
  let caught: unknown;
  try {
    await run();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a SamlError').toBeInstanceOf(SamlError);
  const err = caught as SamlError;
  expect({ reason: err.reason, message: err.message }).toMatchObject({ reason });
  if (message !== undefined) expect(err.message).toMatch(message);
  expect(err.protocol).toBe('saml');
  expect(err.status).toBe(400);
  return err;
}

export const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
