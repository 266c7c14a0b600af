/**
 * The attack corpus (test/fixtures/saml/corpus.json) posted to the ACS of a configured source:
 * every malicious or malformed response is a 400 page naming the validator's reason and leaves
 * users, connections and groups untouched; the controls are accepted once, then refused as
 * replays.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSamlResponse, type SamlResponseValidationConfig } from '../../../../src/protocols/saml/index.js';
import { rememberAuthnRequest } from '../../../../src/sources/saml/request-state.js';
import type { SamlSource } from '../../../../src/sources/kinds.js';
import { esc } from '../../../../src/ui/html.js';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { sessionCookie } from '../../../support/sessions.js';
import { createKeypair, createSamlSource, rowCounts } from './support.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/saml');
interface Entry {
  file: string;
  attack: string;
  encoding: 'base64' | 'raw';
  expect: { reason: string } | { accept: true; nameId: string };
  config: Record<string, unknown>;
}
const corpus = JSON.parse(readFileSync(join(DIR, 'corpus.json'), 'utf8')) as { defaults: Record<string, unknown>; cases: Entry[] };
const D = corpus.defaults as { now: string; acsUrl: string; spEntityId: string; idpEntityId: string; expectedRequestId: string };
const key = (name: string) => readFileSync(join(DIR, 'keys', name), 'utf8');
/** The corpus knobs a source setting can express; anything else would make this test lie. */
const SUPPORTED = new Set([
  'requireSignedAssertion',
  'requireSignedResponse',
  'decryptionKey',
  'expectedRequestId',
  'allowSha1',
  'allowIdpInitiated',
]);

let app: TestApp;
let source: SamlSource;
const kp: Record<string, string> = {};

beforeAll(async () => {
  const acs = new URL(D.acsUrl);
  expect(acs.pathname).toBe('/source/saml/corpus/acs/');
  expect(D.spEntityId).toBe(`${acs.origin}/source/saml/corpus/metadata/`);
  const now = new Date(D.now);
  app = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: acs.origin }, clock: { now: () => now } });
  kp.idp = await createKeypair(app, 'corpus-idp', { certificate: key('idp.crt') });
  kp.sp = await createKeypair(app, 'corpus-sp', { certificate: key('sp.crt'), privateKey: key('sp.key') });
  source = await createSamlSource(app, 'corpus', { idp_entity_id: D.idpEntityId, verification_kp: kp.idp });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

function samlResponseOf(entry: Entry): string {
  const content = readFileSync(join(DIR, entry.file));
  return entry.encoding === 'raw' ? content.toString('utf8') : content.toString('base64');
}

/** Configures the source like the entry's validator config and posts the entry to the ACS. */
async function post(entry: Entry) {
  for (const k of Object.keys(entry.config)) expect(SUPPORTED.has(k), `corpus knob ${k}`).toBe(true);
  const c = { ...corpus.defaults, ...entry.config } as Record<string, unknown>;
  // allowSha1 is not a source field: a source accepts SHA-1 only when configured with SHA-1.
  expect(c.allowSha1 === true).toBe(false);
  source = await app.ctx.store.repos.kindSources.saml.update(
    source.uuid,
    {},
    {
      signed_assertion: c.requireSignedAssertion as boolean,
      signed_response: c.requireSignedResponse as boolean,
      encryption_kp: c.decryptionKey ? kp.sp : null,
      allow_idp_initiated: c.allowIdpInitiated as boolean,
    },
  );
  // Replays are tested on purpose below; here every entry is judged on its own.
  await app.db.deleteFrom('replay_cache').execute();
  const session = await sessionCookie(app, null);
  if (typeof c.expectedRequestId === 'string')
    await rememberAuthnRequest(app.ctx, source, session.sessionId, { requestId: c.expectedRequestId, next: null });
  const res = await app.request({
    method: 'POST',
    url: '/source/saml/corpus/acs/',
    token: null,
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ SAMLResponse: samlResponseOf(entry) }).toString(),
  });
  return { res, config: c };
}

/** What the pure validator says about the entry, for the page text. */
function validatorMessage(entry: Entry, c: Record<string, unknown>): string {
  const resolved = Object.fromEntries(
    Object.entries(c).map(([k, v]) => [
      k,
      Array.isArray(v)
        ? v.map((x) => key(String(x).replace('keys/', '')))
        : typeof v === 'string' && v.startsWith('keys/')
          ? key(v.replace('keys/', ''))
          : v,
    ]),
  );
  try {
    validateSamlResponse(samlResponseOf(entry), { ...(resolved as unknown as SamlResponseValidationConfig), now: new Date(D.now) });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${entry.file} validates in the protocol core`);
}

const rejected = corpus.cases.filter((c) => 'reason' in c.expect);
const controls = corpus.cases.filter((c) => 'accept' in c.expect);

describe('SAML attack corpus at the ACS', () => {
  it('covers the whole corpus', () => {
    expect(rejected.length).toBeGreaterThanOrEqual(30);
    expect(controls.length).toBeGreaterThanOrEqual(1);
  });

  it.each(rejected.map((e) => [e.file, e] as const))('rejects %s with a 400 page and no writes', async (_file, entry) => {
    const before = await rowCounts(app);
    const { res, config } = await post(entry);
    expect(res.statusCode, `${entry.file} (${entry.attack})`).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Authentication failed');
    expect(res.body).toContain(esc(validatorMessage(entry, config)));
    expect(res.body).not.toContain('Replay');
    expect(await rowCounts(app)).toEqual(before);
  });

  it.each(controls.map((e) => [e.file, e] as const))('accepts control %s once, then refuses it as a replay', async (_file, entry) => {
    const { res } = await post(entry);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/if/flow/default-source-enrollment/');

    const session = await sessionCookie(app, null);
    await rememberAuthnRequest(app.ctx, source, session.sessionId, { requestId: D.expectedRequestId, next: null });
    const replay = await app.request({
      method: 'POST',
      url: '/source/saml/corpus/acs/',
      token: null,
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ SAMLResponse: samlResponseOf(entry) }).toString(),
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('Replay attack detected');
  });
});
