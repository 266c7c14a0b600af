/**
 * A real OpenID Connect provider (`oidc-provider` 9) on 127.0.0.1 for tests, plus a tiny
 * redirect-following "browser".
 *
 * ```ts
 * const idp = await startOidcProvider({
 *   clients: [{ clientId: 'tributary', clientSecret: 's3cret', redirectUris: [callbackUrl] }],
 *   accounts: [{ sub: 'alice', email: 'alice@example.com', email_verified: true, groups: ['admins'] }],
 * });
 * // idp.issuer, idp.wellKnownUrl, idp.jwksUrl, idp.authorizationUrl, idp.tokenUrl, idp.userinfoUrl
 * const callback = await followRedirects(authorizationUrl, { until: callbackUrl });
 * await idp.close();
 * ```
 *
 * - Logins are automatic: the interaction handler logs in `idp.loginAs(sub)` (default: the first
 *   account) and grants consent for whatever was requested. `idp.denyLogin()` makes the next
 *   logins end with `error=access_denied` instead.
 * - Scopes → claims: `openid` → sub; `email` → email, email_verified; `profile` → name,
 *   preferred_username, nickname, groups. Claims are also put into the id_token
 *   (`conformIdTokenClaims: false`) unless `idTokenClaims: 'conform'` is passed.
 * - `idp.rotateSigningKey()` swaps the signing JWKS (new kid); sessions, codes and tokens
 *   survive because the storage adapter is shared across the rebuilt provider.
 * - `idp.failUserinfo(status)` makes the userinfo endpoint answer `status` (null = normal).
 * - `idp.lastAuthorizationParams` holds the parameters of the latest authorization request.
 *
 * Node 20 prints "Unsupported runtime" from oidc-provider; it is harmless.
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { exportJWK, generateKeyPair } from 'jose';

export interface OidcClientConfig {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface OidcAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  nickname?: string;
  /** Strings or objects (e.g. `{ id, name }`) — emitted verbatim. */
  groups?: unknown[];
}

export interface OidcProviderOptions {
  clients: OidcClientConfig[];
  accounts: OidcAccount[];
  /** Require PKCE for every client (default true). */
  pkceRequired?: boolean;
  /** `'all'` (default): scope claims also in the id_token; `'conform'`: only in userinfo. */
  idTokenClaims?: 'all' | 'conform';
  /** Signing algorithm of the id_token key (default RS256). */
  signingAlg?: 'RS256' | 'ES256';
}

export interface FakeOidcProvider {
  readonly issuer: string;
  readonly wellKnownUrl: string;
  readonly jwksUrl: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string;
  /** Parameters of the latest authorization request seen by the interaction handler. */
  readonly lastAuthorizationParams: Record<string, unknown> | null;
  /** Current public signing JWKS. */
  publicJwks(): { keys: JWK[] };
  loginAs(sub: string): void;
  denyLogin(error?: string, description?: string): void;
  /** Add or replace an account. */
  setAccount(account: OidcAccount): void;
  /** Replace the signing key (new kid); `keepOld` also keeps publishing the previous key. */
  rotateSigningKey(options?: { keepOld?: boolean }): Promise<void>;
  failUserinfo(status: number | null): void;
  close(): Promise<void>;
}

// --- minimal typing of the oidc-provider API used here (the package ships no types) ---
interface InteractionDetails {
  uid: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
}
interface GrantInstance {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: unknown, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: { new (init: { accountId?: string; clientId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> };
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

async function loadProvider(): Promise<ProviderConstructor> {
  const specifier: string = 'oidc-provider'; // a variable: the package has no type declarations
  const mod = (await import(specifier)) as { default: ProviderConstructor };
  return mod.default;
}

/** Shared in-memory storage, so a rebuilt provider (key rotation) keeps sessions and codes. */
function sharedAdapter() {
  const store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  return class Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }
    async find(id: string) {
      const e = store.get(this.key(id));
      return e && e.expiresAt > Date.now() ? e.payload : undefined;
    }
    async findByUid(uid: string) {
      for (const [k, e] of store) if (k.startsWith(`${this.model}:`) && e.payload['uid'] === uid) return e.payload;
      return undefined;
    }
    async findByUserCode(userCode: string) {
      for (const [k, e] of store) if (k.startsWith(`${this.model}:`) && e.payload['userCode'] === userCode) return e.payload;
      return undefined;
    }
    async consume(id: string) {
      const e = store.get(this.key(id));
      if (e) e.payload['consumed'] = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, e] of store) if (e.payload['grantId'] === grantId) store.delete(k);
    }
  };
}

async function newSigningKey(alg: 'RS256' | 'ES256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `k-${randomBytes(6).toString('hex')}`, alg, use: 'sig' };
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return pub;
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<FakeOidcProvider> {
  const Provider = await loadProvider();
  const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
  const alg = options.signingAlg ?? 'RS256';
  let signingKeys: JWK[] = [await newSigningKey(alg)];
  let loginBehaviour: { accountId: string } | { error: string; description?: string } = {
    accountId: options.accounts[0]?.sub ?? 'nobody',
  };
  let userinfoFailure: number | null = null;
  let lastParams: Record<string, unknown> | null = null;
  const cookieKeys = [randomBytes(32).toString('hex')];
  const Adapter = sharedAdapter();

  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const build = () =>
    new Provider(issuer, {
      adapter: Adapter,
      clients: options.clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: c.redirectUris,
        token_endpoint_auth_method: c.tokenEndpointAuthMethod ?? 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      })),
      findAccount: (_ctx: unknown, id: string) => {
        const account = accounts.get(id);
        if (!account) return undefined;
        return { accountId: id, claims: () => ({ ...account, sub: id }) };
      },
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: ['name', 'preferred_username', 'nickname', 'groups'],
      },
      conformIdTokenClaims: options.idTokenClaims === 'conform',
      cookies: { keys: cookieKeys },
      jwks: { keys: signingKeys },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      pkce: { required: () => options.pkceRequired ?? true },
      routes: { userinfo: '/me' },
      // explicit lifetimes (seconds) also silence the "default ttl function" notices
      ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    });
  let provider = build();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    lastParams = details.params;
    if (details.prompt.name === 'login') {
      const result =
        'error' in loginBehaviour
          ? { error: loginBehaviour.error, error_description: loginBehaviour.description }
          : { login: { accountId: loginBehaviour.accountId } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    // consent: grant exactly what is missing
    const clientId = String(details.params['client_id']);
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId: details.session?.accountId, clientId });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path.startsWith('/interaction/')) {
      interaction(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
      return;
    }
    if (path === '/me' && userinfoFailure !== null) {
      res.writeHead(userinfoFailure, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'server_error' }));
      return;
    }
    provider.callback()(req, res);
  });

  return {
    issuer,
    wellKnownUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUrl: `${issuer}/jwks`,
    authorizationUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    userinfoUrl: `${issuer}/me`,
    get lastAuthorizationParams() {
      return lastParams;
    },
    publicJwks: () => ({ keys: signingKeys.map(publicPart) }),
    loginAs(sub) {
      loginBehaviour = { accountId: sub };
    },
    denyLogin(error = 'access_denied', description) {
      loginBehaviour = { error, description };
    },
    setAccount(account) {
      accounts.set(account.sub, account);
    },
    async rotateSigningKey(rotation = {}) {
      const fresh = await newSigningKey(alg);
      signingKeys = rotation.keepOld ? [fresh, ...signingKeys] : [fresh];
      provider = build();
    },
    failUserinfo(status) {
      userinfoFailure = status;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Cookie jar for `followRedirects`: per host, honouring Path, Max-Age=0 and past Expires. */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string; host: string }>();

  store(url: URL, setCookie: string[]): void {
    for (const line of setCookie) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      let path = '/';
      let expired = false;
      for (const attr of attrs) {
        const [k = '', v = ''] = attr.split('=');
        const key = k.toLowerCase();
        if (key === 'path' && v) path = v;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) < Date.now()) expired = true;
      }
      const id = `${url.host}|${path}|${name}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { value: pair.slice(eq + 1), path, host: url.host });
    }
  }

  header(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => c.host === url.host && url.pathname.startsWith(c.path))
      .map(([id, c]) => `${id.split('|')[2]}=${c.value}`)
      .join('; ');
  }
}

export interface FollowOptions {
  /** Stop when a redirect target (or the current URL) starts with this prefix. */
  until: string;
  jar?: CookieJar;
  maxHops?: number;
  fetch?: typeof fetch;
}

/**
 * Follow 30x redirects with GET and a cookie jar until a URL starting with `until` is reached,
 * and return that URL (it is not requested). Throws with the last status/body otherwise.
 */
export async function followRedirects(startUrl: string, options: FollowOptions): Promise<string> {
  const jar = options.jar ?? new CookieJar();
  const fetchPort = options.fetch ?? fetch;
  let url = startUrl;
  for (let hop = 0; hop < (options.maxHops ?? 20); hop += 1) {
    if (url.startsWith(options.until)) return url;
    const current = new URL(url);
    const cookie = jar.header(current);
    const res = await fetchPort(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    jar.store(current, res.headers.getSetCookie());
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) {
      const body = await res.text();
      throw new Error(`followRedirects: ${res.status} at ${url} without reaching ${options.until}: ${body.slice(0, 300)}`);
    }
    await res.body?.cancel();
    url = new URL(location, url).toString();
  }
  throw new Error(`followRedirects: more than ${options.maxHops ?? 20} hops from ${startUrl}`);
}
