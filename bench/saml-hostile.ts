/**
 * Cost of refusing hostile SAML Responses (test/fixtures/saml/hostile.ts) in the validator, next
 * to the cost of validating the genuine Response they were made from, measured in the same run.
 * Also a document just inside the limits (4,900 extra elements) with a forged and with a
 * replayed genuine signature: the most a document that passes the pre-parse limits can cost.
 * Usage: npx tsx bench/saml-hostile.ts [rounds=5]
 */
import { createSamlResponseValidator } from '../src/protocols/saml/index.js';
import { generateKeyPair } from '../test/fakes/certs.js';
import { TestSamlIdp } from '../test/fakes/saml-idp.js';
import { hostileVariants, manyElements } from '../test/fixtures/saml/hostile.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const ACS = 'https://sp.bench.test/source/saml/bench/acs/';
const AUDIENCE = 'https://sp.bench.test/source/saml/bench/metadata/';

const keys = await generateKeyPair({ commonName: 'bench-idp' });
const idp = new TestSamlIdp({
  entityId: 'https://idp.bench.test/metadata',
  ssoUrl: 'https://idp.bench.test/sso',
  sloUrl: 'https://idp.bench.test/slo',
  signing: keys,
});
const now = new Date();
const genuine = await idp.buildResponse({ now, acsUrl: ACS, audience: AUDIENCE, nameId: 'bench', attributes: { email: ['bench@example.test'] } });
const validate = createSamlResponseValidator({
  acsUrl: ACS,
  spEntityId: AUDIENCE,
  idpEntityId: idp.entityId,
  verificationCerts: [keys.certificate],
  requireSignedAssertion: true,
  requireSignedResponse: false,
  allowIdpInitiated: true,
});

const withinLimits = manyElements(genuine, 4_900);
const documents: Record<string, string> = {
  'genuine (baseline)': genuine,
  ...hostileVariants(genuine),
  '4,900 elements, replayed genuine signature': withinLimits,
  '4,900 elements, forged signature': withinLimits.replace(/<ds:SignatureValue>[^<]{8}/, '<ds:SignatureValue>AAAAAAAA'),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows: Array<{ document: string; kib: number; ms: number; min: number; outcome: string }> = [];
for (const [name, xml] of Object.entries(documents)) {
  const b64 = Buffer.from(xml, 'utf8').toString('base64');
  const times: number[] = [];
  let outcome = '';
  for (let i = 0; i < ROUNDS + 1; i++) {
    const start = performance.now();
    try {
      validate(b64, { now });
      outcome = 'accepted';
    } catch (e) {
      outcome = (e as Error).message.slice(0, 90);
    }
    if (i > 0) times.push(performance.now() - start); // the first round warms up
  }
  const round = (ms: number) => Math.round(ms * 10) / 10;
  rows.push({ document: name, kib: Math.round(xml.length / 1024), ms: round(median(times)), min: round(Math.min(...times)), outcome });
}
const baseline = rows[0].ms;
console.log(`median (min) of ${ROUNDS} rounds; ratio = median / genuine validation (${baseline} ms)`);
for (const r of rows) {
  console.log(
    `${r.document.padEnd(44)} ${String(r.kib).padStart(4)} KiB ${String(r.ms).padStart(8)} ms (${String(r.min).padStart(7)})  ×${(r.ms / baseline).toFixed(1).padStart(6)}  ${r.outcome}`,
  );
}
