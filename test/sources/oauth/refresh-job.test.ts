/**
 * The periodic well-known/JWKS refresh (docs/behaviour.md#oauth-admin-api-and-discovery): key
 * rotation at a real OpenID Provider reaches the stored JWKS through the job — and through the next
 * login even without it; discovery changes update the URLs and issuer; unchanged sources are not
 * written; one failing source does not stop the others; concurrent runs converge; an admin's edit
 * made while the job was fetching wins.
 */
import { requestUrl } from '../../support/fetch-calls.js';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/protocols/oauth/index.js';
import { refreshOidcSources } from '../../../src/sources/oauth/refresh-job.js';
import { TestBrowser } from '../../support/browser.js';
import { createOidcSource } from '../../support/oauth-source.js';
import { CLIENT_ID, CLIENT_SECRET, startEnv, whoAmI, type Env } from './http/helpers.js';

let env: Env;
/** A discovery document and JWKS the tests can change, plus an endpoint that always fails. */
let doc: Record<string, unknown>;
const jwksByPath: Record<string, unknown> = {};
let server: Server;
let mutable: string;

async function jwksWithKid(kid: string) {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
}

function discovery(version: string) {
  return {
    // OpenID Connect Discovery §4.3: the issuer is the prefix the document is served under.
    issuer: mutable,
    authorization_endpoint: `${mutable}/${version}/authorize`,
    token_endpoint: `${mutable}/${version}/token`,
    userinfo_endpoint: `${mutable}/${version}/userinfo`,
    jwks_uri: `${mutable}/${version}/jwks`,
  };
}

beforeAll(async () => {
  env = await startEnv({ slugs: ['rot'], accounts: [{ sub: 'rita-sub', preferred_username: 'rita' }] });
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = path === '/.well-known/openid-configuration' ? doc : jwksByPath[path];
    res.writeHead(body ? 200 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'broken' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  mutable = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  doc = discovery('v1');
  jwksByPath['/v1/jwks'] = await jwksWithKid('v1-key');
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await env?.close();
});

const repos = () => env.app.ctx.store.repos;
const storedJwks = async (slug: string) => (await repos().kindSources.oauth.bySlug(slug))!.settings.oidc_jwks;
const source = (slug: string, wellKnownUrl = env.idp.wellKnownUrl) =>
  createOidcSource(env.app, { slug, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, wellKnownUrl });

describe('key rotation at the IdP', () => {
  it('the next login succeeds without the job and stores the new JWKS', async () => {
    await source('rot');
    const before = await storedJwks('rot');
    await env.idp.rotateSigningKey();
    expect(canonicalJson(before)).not.toBe(canonicalJson(env.idp.publicJwks()));
    const browser = new TestBrowser();
    const page = await browser.get(`${env.base}/source/oauth/login/rot/`);
    expect(page.url).toBe(`${env.base}/if/user/`);
    expect(await whoAmI(env, browser)).toBe('rita');
    expect(canonicalJson(await storedJwks('rot'))).toBe(canonicalJson(env.idp.publicJwks()));
  });

  it('the scheduled job stores the new JWKS', async () => {
    await source('rot-job');
    await env.idp.rotateSigningKey();
    await env.app.jobs.runAll();
    expect(canonicalJson(await storedJwks('rot-job'))).toBe(canonicalJson(env.idp.publicJwks()));
  });

  it('concurrent runs (several instances) converge on the published JWKS', async () => {
    await source('rot-many');
    await env.idp.rotateSigningKey({ keepOld: true });
    const results = await Promise.all([1, 2, 3].map(() => refreshOidcSources(env.app.ctx)));
    for (const r of results) expect(r.failed.filter((f) => f.slug === 'rot-many')).toEqual([]);
    expect(canonicalJson(await storedJwks('rot-many'))).toBe(canonicalJson(env.idp.publicJwks()));
  });
});

describe('refresh job', () => {
  it('writes nothing when nothing changed', async () => {
    await refreshOidcSources(env.app.ctx);
    const before = (await repos().kindSources.oauth.bySlug('rot-job'))!;
    const summary = await refreshOidcSources(env.app.ctx);
    expect(summary.updated).not.toContain('rot-job');
    expect((await repos().kindSources.oauth.bySlug('rot-job'))!.lastUpdated).toEqual(before.lastUpdated);
  });

  it('takes over changed endpoint URLs, issuer and the JWKS of the new jwks_uri', async () => {
    doc = discovery('v1');
    await source('moving', `${mutable}/.well-known/openid-configuration`);
    expect((await repos().kindSources.oauth.bySlug('moving'))!.settings.oidc_issuer).toBe(mutable);
    doc = discovery('v2');
    jwksByPath['/v2/jwks'] = await jwksWithKid('v2-key');
    const summary = await refreshOidcSources(env.app.ctx);
    expect(summary.updated).toContain('moving');
    const moved = (await repos().kindSources.oauth.bySlug('moving'))!.settings;
    expect(moved).toMatchObject({
      authorization_url: `${mutable}/v2/authorize`,
      access_token_url: `${mutable}/v2/token`,
      profile_url: `${mutable}/v2/userinfo`,
      oidc_jwks_url: `${mutable}/v2/jwks`,
      oidc_issuer: mutable,
    });
    expect(canonicalJson(moved.oidc_jwks)).toBe(canonicalJson(jwksByPath['/v2/jwks']));
  });

  it('refreshes a source that has only a JWKS URL, and leaves sources without either alone', async () => {
    jwksByPath['/solo/jwks'] = await jwksWithKid('solo-1');
    const base = { name: 'Solo', slug: 'solo', userPropertyMappings: [], groupPropertyMappings: [] };
    const solo = await repos().kindSources.oauth.create(base, {
      provider_type: 'openidconnect',
      consumer_key: 'k',
      consumer_secret: 's',
      authorization_url: `${mutable}/a`,
      access_token_url: `${mutable}/t`,
      profile_url: `${mutable}/u`,
      oidc_jwks_url: `${mutable}/solo/jwks`,
      oidc_jwks: {},
    });
    const github = await repos().kindSources.oauth.create(
      { ...base, name: 'GH', slug: 'gh' },
      { provider_type: 'github', consumer_key: 'k', consumer_secret: 's' },
    );
    const summary = await refreshOidcSources(env.app.ctx);
    expect(summary.updated).toContain('solo');
    expect(canonicalJson((await repos().kindSources.oauth.byUuid(solo.uuid))!.settings.oidc_jwks)).toBe(canonicalJson(jwksByPath['/solo/jwks']));
    expect((await repos().kindSources.oauth.byUuid(github.uuid))!.lastUpdated).toEqual(github.lastUpdated);
  });

  it('logs and skips a failing source while the others refresh', async () => {
    doc = discovery('v3');
    jwksByPath['/v3/jwks'] = await jwksWithKid('v3-key');
    await source('broken', `${mutable}/.well-known/openid-configuration`);
    doc = discovery('v4'); // its jwks_uri (/v4/jwks) answers 500
    await env.idp.rotateSigningKey();
    const warnings: object[] = [];
    const summary = await refreshOidcSources(env.app.ctx, { warn: (o) => warnings.push(o), info: () => undefined });
    expect(summary.failed).toContainEqual(expect.objectContaining({ slug: 'broken', step: 'jwks' }));
    expect(warnings).toContainEqual(expect.objectContaining({ source: 'broken', step: 'jwks' }));
    expect(canonicalJson(await storedJwks('broken'))).toBe(canonicalJson(jwksByPath['/v3/jwks']));
    // The URLs did change and are taken over; the old keys stay until the new ones can be read.
    expect((await repos().kindSources.oauth.bySlug('broken'))!.settings.oidc_jwks_url).toBe(`${mutable}/v4/jwks`);
    expect(canonicalJson(await storedJwks('rot-job'))).toBe(canonicalJson(env.idp.publicJwks()));

    doc = { issuer: 'x' }; // not a valid discovery document at all
    const again = await refreshOidcSources(env.app.ctx);
    expect(again.failed).toContainEqual(expect.objectContaining({ slug: 'broken', step: 'well-known' }));
  });

  it("does not overwrite an admin's edit made while it was fetching", async () => {
    doc = discovery('v5');
    jwksByPath['/v5/jwks'] = await jwksWithKid('v5-key');
    const s = await source('edited', `${mutable}/.well-known/openid-configuration`);
    doc = discovery('v6');
    jwksByPath['/v6/jwks'] = await jwksWithKid('v6-key');
    const adminUrl = `${mutable}/elsewhere/.well-known/openid-configuration`;
    const racingFetch: typeof fetch = async (input, init) => {
      if (requestUrl(input).startsWith(`${mutable}/.well-known/`))
        await repos().kindSources.oauth.update(s.uuid, {}, { oidc_well_known_url: adminUrl });
      return fetch(input, init);
    };
    await refreshOidcSources({ ...env.app.ctx, fetch: racingFetch });
    const after = (await repos().kindSources.oauth.byUuid(s.uuid))!.settings;
    expect(after.oidc_well_known_url).toBe(adminUrl);
    expect(after.authorization_url).toBe(`${mutable}/v5/authorize`);
  });
});
