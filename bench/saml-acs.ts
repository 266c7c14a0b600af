/**
 * SAML ACS throughput on PostgreSQL: N signed-assertion, IdP-initiated Responses (distinct
 * Response/Assertion IDs) POSTed to /source/saml/<slug>/acs/ with a session cookie and the
 * `_bounced` marker (so the cross-site bounce is skipped), against — in the same process, on
 * the same documents — xml-crypto's bare `checkSignature` and our `validateSamlResponse` alone.
 * The three run in interleaved rounds over the same slices; each totals at most 20 s. Usage: npx tsx bench/saml-acs.ts [N=2000] [concurrency=8]
 */
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createSamlResponseValidator } from '../src/protocols/saml/index.js';
import { SESSION_COOKIE } from '../src/http/auth.js';
import { validatorSettings } from '../src/sources/saml/source-config.js';
import { startSession } from '../src/services/sessions.js';
import { generateKeyPair } from '../test/fakes/certs.js';
import { TestSamlIdp } from '../test/fakes/saml-idp.js';
import { fmt, freshDatabase } from './support.js';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const BUDGET_MS = 20_000;
const BASE = 'https://sp.bench.test';
const SLUG = 'bench';

interface Measurement {
  done: number;
  seconds: number;
  perSecond: number;
}

const ROUNDS = 5;

/** Runs `work(i)` for i in [from, to) (or until `budgetMs`), `concurrency` at a time. */
async function measure(
  concurrency: number,
  from: number,
  to: number,
  budgetMs: number,
  work: (i: number) => Promise<void> | void,
): Promise<Measurement> {
  let next = from;
  const start = performance.now();
  const worker = async () => {
    while (next < to && performance.now() - start < budgetMs) await work(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { done: next - from, seconds, perSecond: (next - from) / seconds };
}

function add(a: Measurement, b: Measurement): Measurement {
  const done = a.done + b.done;
  const seconds = a.seconds + b.seconds;
  return { done, seconds, perSecond: done / seconds };
}

const db = await freshDatabase('tributary_bench_saml');
const app = await createApp({
  config: loadConfig({
    DATABASE_URL: db.url,
    TRIBUTARY_SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
    TRIBUTARY_PUBLIC_URL: BASE,
    LOG_LEVEL: 'silent',
  }),
  runJobs: false,
});
try {
  const repos = app.ctx.store.repos;
  const keys = await generateKeyPair({ commonName: 'bench-idp' });
  const idp = new TestSamlIdp({
    entityId: 'https://idp.bench.test/metadata',
    ssoUrl: 'https://idp.bench.test/sso',
    sloUrl: 'https://idp.bench.test/slo',
    signing: keys,
  });
  const kp = await repos.keypairs.create({ name: 'bench-idp', certificateData: keys.certificate });
  const [auth, enroll, pre] = await Promise.all(
    ['default-source-authentication', 'default-source-enrollment', 'default-source-pre-authentication'].map((s) => repos.flows.bySlug(s)),
  );
  const source = await repos.kindSources.saml.create(
    { name: 'Bench IdP', slug: SLUG, authenticationFlow: auth!.uuid, enrollmentFlow: enroll!.uuid },
    {
      pre_authentication_flow: pre!.uuid,
      sso_url: idp.config.ssoUrl,
      idp_entity_id: idp.entityId,
      verification_kp: kp.uuid,
      allow_idp_initiated: true,
      signed_assertion: true,
    },
  );
  const settings = await validatorSettings(app.ctx, source, BASE);

  const t0 = performance.now();
  const now = new Date();
  const documents: string[] = [];
  for (let i = 0; i < N; i++) {
    documents.push(
      await idp.buildResponseBase64({
        now,
        acsUrl: settings.acsUrl,
        audience: settings.spEntityId,
        inResponseTo: null,
        nameId: `bench-user-${i % 50}`,
        attributes: { email: [`bench${i % 50}@example.com`], 'http://schemas.xmlsoap.org/claims/Group': ['bench'] },
      }),
    );
  }
  console.log(`signed ${N} responses (${documents[0].length} bytes base64 each) in ${fmt(performance.now() - t0, 0)} ms`);

  // Bare library: parse, load the assertion's signature, checkSignature — nothing else.
  const bareCheck = (i: number) => {
    const xml = Buffer.from(documents[i], 'base64').toString('utf8');
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const signature = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
    const sig = new SignedXml({ publicCert: keys.certificate, getCertFromKeyInfo: () => null });
    sig.loadSignature(signature as unknown as Node);
    if (!sig.checkSignature(xml)) throw new Error(`document ${i} does not verify`);
  };
  // Our validator alone (certificates prepared once, as the ACS does with its validator cache).
  const validate = createSamlResponseValidator(settings);
  const coreCheck = (i: number) => {
    validate(documents[i], { now: new Date() });
  };

  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}/source/saml/${SLUG}/acs/`;
  const session = await startSession(app.ctx, repos, null);
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(app.http.signCookie(session.id))}`;
  const statuses = new Map<number, number>();
  const post = async (i: number) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: documents[i], _bounced: '1' }).toString(),
      redirect: 'manual',
    });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  };
  // The benchmark documents are single-use (replay cache), so warm up on a fresh set.
  const warm: string[] = [];
  for (let i = 0; i < 50; i++)
    warm.push(await idp.buildResponseBase64({ now, acsUrl: settings.acsUrl, audience: settings.spEntityId, inResponseTo: null, nameId: 'warm' }));
  for (const doc of warm)
    await fetch(url, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: doc, _bounced: '1' }).toString(),
      redirect: 'manual',
    }).then((r) => r.arrayBuffer());
  // Interleaved rounds over the same slices, so load from other processes hits all three alike.
  const empty: Measurement = { done: 0, seconds: 0, perSecond: 0 };
  let [bare, core, acs] = [empty, empty, empty];
  const chunk = Math.ceil(N / ROUNDS);
  const budget = BUDGET_MS / ROUNDS;
  for (let r = 0; r < ROUNDS; r++) {
    const [from, to] = [r * chunk, Math.min(N, (r + 1) * chunk)];
    bare = add(bare, await measure(1, from, to, budget, bareCheck));
    core = add(core, await measure(1, from, to, budget, coreCheck));
    acs = add(acs, await measure(CONCURRENCY, from, to, budget, post));
  }

  const show = (m: Measurement) => `${fmt(m.perSecond).padStart(8)} /s  (${m.done} in ${fmt(m.seconds, 2)} s)`;
  console.log(`\nxml-crypto checkSignature, bare:        ${show(bare)}`);
  console.log(`validateSamlResponse (protocol core):   ${show(core)}`);
  console.log(`ACS POST end to end (c=${CONCURRENCY}, PostgreSQL): ${show(acs)}  statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`\nratio ACS / xml-crypto bare:  ${fmt(acs.perSecond / bare.perSecond, 3)}`);
  console.log(`ratio ACS / protocol core:    ${fmt(acs.perSecond / core.perSecond, 3)}`);
  console.log(`ratio core / xml-crypto bare: ${fmt(core.perSecond / bare.perSecond, 3)}`);
  if ((statuses.get(302) ?? 0) !== acs.done) throw new Error('some ACS POSTs did not answer 302');
} finally {
  await app.close();
  await db.drop();
}
