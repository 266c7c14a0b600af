/**
 * End-to-end plumbing for SAML source tests: the signing test IdP behind a real HTTP server
 * (it answers our AuthnRequests like an external IdP would: a page whose form posts the signed
 * Response to our ACS), SAML sources and key pairs, row counts, and a cross-site POST helper.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { expect } from 'vitest';
import type { SourceBaseInput } from '../../../../src/storage/source-ports.js';
import type { SamlSource, SettingsInput } from '../../../../src/sources/kinds.js';
import type { TestApp } from '../../../support/app.js';
import type { Page, TestBrowser } from '../../../support/browser.js';
import type { TestKeyPair } from '../../../fakes/certs.js';
import { TestSamlIdp, URN, type ParsedAuthnRequest, type RedirectParts, type ResponseOptions } from '../../../fakes/saml-idp.js';

export interface IdpLogin {
  nameId: string;
  nameIdFormat?: string | null;
  attributes?: Record<string, string[]>;
  /** Extra response options (signResponse, encrypt, …) for the next answers. */
  options?: Partial<ResponseOptions>;
}

export interface IdpServer {
  idp: TestSamlIdp;
  ssoUrl: string;
  sloUrl: string;
  /** Every AuthnRequest received, with the raw redirect parts for the Redirect binding. */
  requests: Array<ParsedAuthnRequest & { redirect?: RedirectParts; binding: 'REDIRECT' | 'POST' }>;
  /** Every SLO message received (Redirect binding). */
  logouts: Array<{ url: string; parts: RedirectParts }>;
  loginAs(login: IdpLogin): void;
  close(): Promise<void>;
}

const html = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the IdP on 127.0.0.1; `now` supplies the IdP's clock. */
export async function startIdpServer(opts: { signing: TestKeyPair; entityId?: string; now?: () => Date }): Promise<IdpServer> {
  let login: IdpLogin = { nameId: 'jdoe' };
  const requests: IdpServer['requests'] = [];
  const logouts: IdpServer['logouts'] = [];
  let base = '';
  const holder: { idp?: TestSamlIdp } = {};

  const answer = async (parsed: ParsedAuthnRequest): Promise<string> => {
    const samlResponse = await holder.idp!.buildResponseBase64({
      now: opts.now?.() ?? new Date(),
      acsUrl: parsed.acsUrl ?? '',
      audience: parsed.issuer,
      inResponseTo: parsed.id,
      nameId: login.nameId,
      nameIdFormat: login.nameIdFormat,
      attributes: login.attributes ?? {},
      ...login.options,
    });
    const fields = { SAMLResponse: samlResponse, ...(parsed.relayState !== null ? { RelayState: parsed.relayState } : {}) };
    return `<!DOCTYPE html><html><body><form method="post" action="${html(parsed.acsUrl ?? '')}">${Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${html(v)}">`)
      .join('')}<button>Continue</button></form></body></html>`;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      try {
        if (url.pathname === '/sso' && req.method === 'GET') {
          const parsed = TestSamlIdp.parseAuthnRequestRedirect(url.toString());
          requests.push({ ...parsed, binding: 'REDIRECT' });
          res.writeHead(200, { 'content-type': 'text/html' }).end(await answer(parsed));
        } else if (url.pathname === '/sso' && req.method === 'POST') {
          const form = Object.fromEntries(new URLSearchParams(await body(req)));
          const parsed = TestSamlIdp.parseAuthnRequestPost(form as { SAMLRequest: string; RelayState?: string });
          requests.push({ ...parsed, binding: 'POST' });
          res.writeHead(200, { 'content-type': 'text/html' }).end(await answer(parsed));
        } else if (url.pathname === '/slo') {
          logouts.push({ url: url.toString(), parts: TestSamlIdp.readRedirect(url.toString()) });
          res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Signed out at the IdP</p>');
        } else {
          res.writeHead(404).end();
        }
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const entityId = opts.entityId ?? `${base}/metadata`;
  holder.idp = new TestSamlIdp({ entityId, ssoUrl: `${base}/sso`, sloUrl: `${base}/slo`, signing: opts.signing });
  return {
    idp: holder.idp,
    ssoUrl: `${base}/sso`,
    sloUrl: `${base}/slo`,
    requests,
    logouts,
    loginAs: (l) => {
      login = l;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Stores a certificate (and key) through the admin API, as an admin would. */
export async function createKeypair(app: TestApp, name: string, pair: { certificate: string; privateKey?: string }): Promise<string> {
  const res = await app.request({
    method: 'POST',
    url: '/api/v3/crypto/certificatekeypairs/',
    payload: { name, certificate_data: pair.certificate, ...(pair.privateKey ? { key_data: pair.privateKey } : {}) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ pk: string }>().pk;
}

/** A SAML source with the default source flows; `settings` and `base` override defaults. */
export async function createSamlSource(app: TestApp, slug: string, settings: SettingsInput<'saml'>, base: SourceBaseInput = {}): Promise<SamlSource> {
  const repos = app.ctx.store.repos;
  const [auth, enroll, pre] = await Promise.all(
    ['default-source-authentication', 'default-source-enrollment', 'default-source-pre-authentication'].map((s) => repos.flows.bySlug(s)),
  );
  return repos.kindSources.saml.create(
    { name: `SAML ${slug}`, slug, authenticationFlow: auth!.uuid, enrollmentFlow: enroll!.uuid, ...base },
    { pre_authentication_flow: pre!.uuid, sso_url: 'https://idp.invalid/sso', ...settings },
  );
}

/** Rows the ACS must never write on a refused response. */
export async function rowCounts(app: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['users', 'user_source_connections', 'groups', 'group_source_connections'] as const) {
    const r = await app.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  return out;
}

/**
 * Posts `fields` to our ACS the way a browser does after a cross-site form POST: without the
 * SameSite=Lax cookie. Expects the bounce page, then submits it from "our origin" (cookies
 * included) and follows redirects. Returns the bounce page and the final page.
 */
export async function postCrossSite(browser: TestBrowser, acsUrl: string, fields: Record<string, string>): Promise<{ bounce: Page; final: Page }> {
  const res = await fetch(acsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  const bounce: Page = { url: acsUrl, status: res.status, body: await res.text(), headers: res.headers, hops: [acsUrl] };
  expect(bounce.status, bounce.body).toBe(200);
  expect(res.headers.get('set-cookie')).toBeNull();
  expect(bounce.body).toContain('name="_bounced"');
  expect(bounce.body).toContain('document.forms[0].submit()');
  return { bounce, final: await browser.submit(bounce) };
}

/** Reads the hidden form fields of a page (our POST-binding pages, the IdP's answer). */
export function formFields(page: Page): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
  if (!form) throw new Error(`no form on ${page.url}`);
  const decode = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[decode(name)] = decode(/value="([^"]*)"/.exec(input[0])?.[1] ?? '');
  }
  return { action: decode(form[1]), fields };
}

/** `GET /api/v3/core/users/me/` with the browser's cookies: who the session belongs to. */
export async function whoAmI(base: string, browser: TestBrowser): Promise<string | null> {
  const res = await fetch(`${base}/api/v3/core/users/me/`, { headers: { cookie: browser.cookieHeader(base) } });
  return res.status === 200 ? ((await res.json()) as { user: { username: string } }).user.username : null;
}

export { URN };
