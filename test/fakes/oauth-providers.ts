/**
 * A local fake of every OAuth provider type in the registry, on 127.0.0.1 (random port).
 *
 * Routes are `/<provider host>/<path>`, e.g. `/api.github.com/user`. The registry's fixed https
 * URLs reach it through `fake.fetch`, a fetch port that rewrites `https://<host>/<path>` to
 * `<baseUrl>/<host>/<path>`; customizable types can also be configured with `fake.urlFor(...)`.
 * Every request is recorded (method, host, path, query, headers, form) so tests can assert how
 * the client authenticated and how it presented the access token.
 *
 * Behaviour is realistic where it matters to the client: token endpoints check the code and the
 * client credentials (HTTP Basic with form-urlencoded parts, or the body), GitHub answers
 * form-encoded unless asked for JSON and reports errors with 200, Slack nests the user token,
 * WeChat uses GET and `errcode`, profile endpoints accept the token only where the real API does
 * (Twitch insists on `Bearer`, Mailcow/WeChat read the query, the generic OIDC userinfo refuses a
 * query token per RFC 6750 §2), Apple returns an RS256 id_token served by `/auth/keys`.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const FAKE_CLIENT = { id: 'fake-client-id', secret: 'fake secret/with:specials' } as const;
export const FAKE_CODE = 'fake-authorization-code';
/** Hosts for self-hosted types (configure the source URLs with `fake.urlFor`). */
export const FAKE_HOSTS = { mailcow: 'mailcow.example.test', oidc: 'oidc.example.test' } as const;
export const FAKE_APPLE_SUB = '001234.fakeapple0001.1234';

export interface RecordedRequest {
  method: string;
  /** The provider host the request was addressed to (e.g. `api.github.com`). */
  host: string;
  /** Path on that host, without the query. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
  form: Record<string, string> | null;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  /** Defaults to JSON; a string body with e.g. `text/html` is sent verbatim. */
  contentType?: string;
}
export type FakeHandler = (req: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeOAuthProviders {
  readonly baseUrl: string;
  /** Fetch port: rewrites https URLs to the fake, passes everything else through. */
  readonly fetch: typeof fetch;
  readonly requests: RecordedRequest[];
  /** `urlFor('mailcow.example.test/oauth/token')` → `http://127.0.0.1:<port>/mailcow.example.test/oauth/token`. */
  urlFor(hostAndPath: string): string;
  requestsTo(hostAndPath: string): RecordedRequest[];
  /** Replace a route's behaviour (until `reset()`). */
  override(hostAndPath: string, response: FakeResponse | FakeHandler): void;
  /** Forget recorded requests, overrides and extra Apple claims. */
  reset(): void;
  /** Merged into Apple id_tokens (e.g. `{ nonce }`); cleared by `reset()`. */
  appleIdTokenClaims: Record<string, unknown>;
  readonly appleJwks: JSONWebKeySet;
  close(): Promise<void>;
}

/** Access token each provider issues (the profile endpoints accept only these). */
export const FAKE_TOKENS = {
  apple: 'apple-at',
  discord: 'discord-at',
  entraid: 'entra-at',
  facebook: 'facebook-at',
  github: 'gho_github-at',
  gitlab: 'gitlab-at',
  google: 'ya29.google-at',
  mailcow: 'mailcow-at',
  oidc: 'oidc-at',
  patreon: 'patreon-at',
  reddit: 'reddit-at',
  slack: 'xoxp-slack-user-at',
  twitch: 'twitch-at',
  twitter: 'twitter-at',
  wechat: 'wechat-at',
} as const;

/** Realistic profile payloads, as the real APIs document them. */
export const FAKE_PROFILES = {
  github: { login: 'octocat', id: 583231, node_id: 'MDQ6VXNlcjU4MzIzMQ==', name: 'The Octocat', email: null, type: 'User' },
  githubEmails: [
    { email: 'secondary@example.com', primary: false, verified: true, visibility: null },
    { email: 'octocat@github.com', primary: true, verified: false, visibility: 'private' },
  ],
  google: {
    id: '108398427390413541243',
    email: 'jane.doe@gmail.com',
    verified_email: true,
    name: 'Jane Doe',
    given_name: 'Jane',
    family_name: 'Doe',
    picture: 'https://lh3.googleusercontent.com/a/x',
  },
  discord: {
    id: '80351110224678912',
    username: 'nelly',
    discriminator: '0',
    global_name: 'Nelly',
    avatar: null,
    email: 'nelly@discord.com',
    verified: true,
    locale: 'en-US',
    mfa_enabled: false,
  },
  entraid: {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
    id: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
    displayName: 'Megan Bowen',
    mail: null,
    otherMails: ['megan@contoso.example'],
    userPrincipalName: 'MeganB@contoso.onmicrosoft.com',
    givenName: 'Megan',
    surname: 'Bowen',
  },
  entraMemberOf: {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
    value: [
      { '@odata.type': '#microsoft.graph.group', id: '02bd9fd6-8f93-4758-87c3-1fb73740a315', displayName: 'HR Taskforce' },
      { '@odata.type': '#microsoft.graph.directoryRole', id: '9ed3a0c4-53e1-498c-ab4d-2473476fde14', displayName: 'Global Reader' },
      { '@odata.type': '#microsoft.graph.group', id: 'b320ee12-b1cd-4cca-b648-a437be61c5cd', displayName: 'Sales' },
    ],
  },
  facebook: { id: '10158123456789012', name: 'Fran Book', email: 'fran@example.com' },
  gitlab: {
    sub: '1234567',
    sub_legacy: '2bd6c2a5',
    name: 'Gita Lab',
    nickname: 'gitalab',
    preferred_username: 'gitalab',
    email: 'gita@example.com',
    email_verified: true,
    profile: 'https://gitlab.com/gitalab',
    groups: ['gitlab-org'],
  },
  mailcow: {
    success: true,
    id: 'mbox@mail.example.test',
    identifier: 'mbox@mail.example.test',
    username: 'mbox@mail.example.test',
    full_name: 'Mail Box',
    email: 'mbox@mail.example.test',
    created: '2024-01-01 00:00:00',
    modified: null,
    active: 1,
  },
  oidc: {
    sub: '00u1okta',
    name: 'Okta User',
    nickname: 'oktanick',
    preferred_username: 'okta.user@example.com',
    email: 'okta.user@example.com',
    email_verified: true,
    groups: ['Everyone', { id: 'grp-admins', name: 'Admins' }, { value: 42 }, { description: 'no id' }],
  },
  patreon: {
    data: {
      id: '12345678',
      type: 'user',
      attributes: { email: 'pat@example.com', full_name: 'Pat Reon', vanity: 'patreon_vanity', is_email_verified: true },
    },
    links: { self: 'https://www.patreon.com/api/oauth2/v2/user/12345678' },
  },
  reddit: { id: 'abc12', name: 'spez_fan', icon_img: 'https://styles.redditmedia.com/x.png', verified: true },
  slack: {
    ok: true,
    sub: 'U0R7JM1',
    'https://slack.com/user_id': 'U0R7JM1',
    'https://slack.com/team_id': 'T0R7GR',
    email: 'krane@slack-corp.example',
    email_verified: true,
    name: 'krane',
    given_name: 'Krane',
    locale: 'en-US',
  },
  twitch: {
    aud: FAKE_CLIENT.id,
    exp: 1893456000,
    iat: 1700000000,
    iss: 'https://id.twitch.tv/oauth2',
    sub: '713936733',
    email: 'twitchdev@example.com',
    email_verified: true,
    preferred_username: 'twitchdev',
  },
  twitter: { data: { id: '2244994945', name: 'X Developers', username: 'XDevelopers' } },
  wechat: {
    openid: 'oWECHAT-openid-1',
    nickname: 'Wei Xin',
    sex: 1,
    province: 'Guangdong',
    city: 'Shenzhen',
    country: 'CN',
    headimgurl: 'https://thirdwx.qlogo.cn/x/0',
    privilege: [],
    unionid: 'oUNION-unionid-1',
  },
};

type TokenPresentation = 'header' | 'query' | 'either' | 'header-strict-Bearer' | 'header-no-query';

interface ProfileRoute {
  token: string;
  accepts: TokenPresentation;
  body: () => unknown;
}

const PROFILE_ROUTES: Record<string, ProfileRoute> = {
  'api.github.com/user': { token: FAKE_TOKENS.github, accepts: 'header', body: () => FAKE_PROFILES.github },
  'api.github.com/user/emails': { token: FAKE_TOKENS.github, accepts: 'header', body: () => FAKE_PROFILES.githubEmails },
  'www.googleapis.com/oauth2/v1/userinfo': { token: FAKE_TOKENS.google, accepts: 'either', body: () => FAKE_PROFILES.google },
  'discord.com/api/users/@me': { token: FAKE_TOKENS.discord, accepts: 'header', body: () => FAKE_PROFILES.discord },
  'graph.microsoft.com/v1.0/me': { token: FAKE_TOKENS.entraid, accepts: 'header', body: () => FAKE_PROFILES.entraid },
  'graph.microsoft.com/v1.0/me/memberOf': { token: FAKE_TOKENS.entraid, accepts: 'header', body: () => FAKE_PROFILES.entraMemberOf },
  'graph.facebook.com/v7.0/me': { token: FAKE_TOKENS.facebook, accepts: 'either', body: () => FAKE_PROFILES.facebook },
  'gitlab.com/oauth/userinfo': { token: FAKE_TOKENS.gitlab, accepts: 'either', body: () => FAKE_PROFILES.gitlab },
  [`${FAKE_HOSTS.mailcow}/oauth/profile`]: { token: FAKE_TOKENS.mailcow, accepts: 'query', body: () => FAKE_PROFILES.mailcow },
  [`${FAKE_HOSTS.oidc}/userinfo`]: { token: FAKE_TOKENS.oidc, accepts: 'header-no-query', body: () => FAKE_PROFILES.oidc },
  'www.patreon.com/api/oauth2/api/current_user': { token: FAKE_TOKENS.patreon, accepts: 'header', body: () => FAKE_PROFILES.patreon },
  'oauth.reddit.com/api/v1/me': { token: FAKE_TOKENS.reddit, accepts: 'header', body: () => FAKE_PROFILES.reddit },
  'slack.com/api/openid.connect.userInfo': { token: FAKE_TOKENS.slack, accepts: 'header', body: () => FAKE_PROFILES.slack },
  'id.twitch.tv/oauth2/userinfo': { token: FAKE_TOKENS.twitch, accepts: 'header-strict-Bearer', body: () => FAKE_PROFILES.twitch },
  'api.twitter.com/2/users/me': { token: FAKE_TOKENS.twitter, accepts: 'header', body: () => FAKE_PROFILES.twitter },
};

/** How each token endpoint answers a good request. */
const TOKEN_ROUTES: Record<string, { provider: keyof typeof FAKE_TOKENS; extra?: Record<string, unknown> }> = {
  'github.com/login/oauth/access_token': { provider: 'github', extra: { token_type: 'bearer', scope: 'read:user,user:email' } },
  'oauth2.googleapis.com/token': { provider: 'google', extra: { token_type: 'Bearer', expires_in: 3599, scope: 'email profile' } },
  'discord.com/api/oauth2/token': {
    provider: 'discord',
    extra: { token_type: 'Bearer', expires_in: 604800, refresh_token: 'discord-rt', scope: 'email identify' },
  },
  'login.microsoftonline.com/common/oauth2/v2.0/token': {
    provider: 'entraid',
    extra: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, scope: 'User.Read' },
  },
  'graph.facebook.com/v7.0/oauth/access_token': { provider: 'facebook', extra: { token_type: 'bearer', expires_in: 5183944 } },
  'gitlab.com/oauth/token': {
    provider: 'gitlab',
    extra: { token_type: 'Bearer', expires_in: 7200, refresh_token: 'gitlab-rt', created_at: 1700000000 },
  },
  [`${FAKE_HOSTS.mailcow}/oauth/token`]: { provider: 'mailcow', extra: { token_type: 'Bearer', expires_in: 3600 } },
  [`${FAKE_HOSTS.oidc}/token`]: { provider: 'oidc', extra: { token_type: 'Bearer', expires_in: 3600 } },
  'www.patreon.com/api/oauth2/token': { provider: 'patreon', extra: { token_type: 'Bearer', expires_in: 2678400, refresh_token: 'patreon-rt' } },
  'www.reddit.com/api/v1/access_token': {
    provider: 'reddit',
    extra: { token_type: 'bearer', expires_in: 86400, refresh_token: 'reddit-rt', scope: 'identity' },
  },
  'id.twitch.tv/oauth2/token': {
    provider: 'twitch',
    extra: { token_type: 'bearer', expires_in: 14124, refresh_token: 'twitch-rt', scope: ['openid'] },
  },
  'api.twitter.com/2/oauth2/token': { provider: 'twitter', extra: { token_type: 'bearer', expires_in: 7200, scope: 'users.read tweet.read' } },
};

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, '%20'));
}

/** Client id/secret from HTTP Basic (RFC 6749 §2.3.1) or the body; `both` when sent twice. */
export function clientAuthOf(req: RecordedRequest): { method: 'basic' | 'body' | 'both' | 'none'; id?: string; secret?: string } {
  const auth = req.headers['authorization'];
  const body = req.form && req.form['client_secret'] !== undefined;
  if (auth?.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString().split(':').map(formDecode);
    return { method: body ? 'both' : 'basic', id, secret };
  }
  if (body) return { method: 'body', id: req.form?.['client_id'], secret: req.form?.['client_secret'] };
  return { method: 'none' };
}

function tokenPresented(req: RecordedRequest, route: ProfileRoute): boolean {
  const header = req.headers['authorization'] ?? '';
  const [scheme, value] = header.split(' ');
  const inHeader = value === route.token && (/^bearer$/i.test(scheme) || scheme === 'token');
  const inQuery = req.query['access_token'] === route.token;
  switch (route.accepts) {
    case 'header':
      return inHeader;
    case 'query':
      return inQuery;
    case 'either':
      return inHeader || inQuery;
    case 'header-strict-Bearer':
      return inHeader && scheme === 'Bearer';
    case 'header-no-query':
      return inHeader && req.query['access_token'] === undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, r: FakeResponse): void {
  const type = r.contentType ?? 'application/json';
  const body = typeof r.body === 'string' && type !== 'application/json' ? r.body : JSON.stringify(r.body ?? {});
  res.writeHead(r.status ?? 200, { 'content-type': type });
  res.end(body);
}

export async function startFakeOAuthProviders(): Promise<FakeOAuthProviders> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const appleJwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid: 'fake-apple-1', use: 'sig', alg: 'RS256' }] };
  const requests: RecordedRequest[] = [];
  const overrides = new Map<string, FakeHandler>();

  const fake = {
    baseUrl: '',
    requests,
    appleIdTokenClaims: {} as Record<string, unknown>,
    appleJwks,
  };

  const bad = (status: number, error: string, description?: string): FakeResponse => ({
    status,
    body: { error, ...(description ? { error_description: description } : {}) },
  });

  async function appleToken(req: RecordedRequest): Promise<FakeResponse> {
    const form = req.form ?? {};
    if (form['code'] !== FAKE_CODE) return bad(400, 'invalid_grant');
    const auth = clientAuthOf(req);
    if (auth.method !== 'body' || !auth.id || !auth.secret?.startsWith('ey')) return bad(400, 'invalid_client');
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      iss: 'https://appleid.apple.com',
      aud: auth.id,
      sub: FAKE_APPLE_SUB,
      iat: now,
      exp: now + 600,
      email: 'apple.user@privaterelay.appleid.com',
      email_verified: 'true',
      is_private_email: 'true',
      auth_time: now,
      nonce_supported: true,
      ...fake.appleIdTokenClaims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'fake-apple-1' })
      .sign(privateKey);
    return { body: { access_token: FAKE_TOKENS.apple, token_type: 'Bearer', expires_in: 3600, refresh_token: 'apple-rt', id_token: idToken } };
  }

  function standardToken(req: RecordedRequest, route: (typeof TOKEN_ROUTES)[string]): FakeResponse {
    const isGithub = route.provider === 'github';
    const wantsJson = (req.headers['accept'] ?? '').includes('application/json');
    const reply = (r: FakeResponse): FakeResponse => {
      if (!isGithub) return r;
      // GitHub: errors with 200, and form-encoded unless JSON was asked for.
      const body = r.body as Record<string, string>;
      return wantsJson ? { body } : { body: new URLSearchParams(body).toString(), contentType: 'application/x-www-form-urlencoded; charset=utf-8' };
    };
    if (req.method !== 'POST' || req.form?.['grant_type'] !== 'authorization_code') return reply(bad(400, 'unsupported_grant_type'));
    if (req.form['code'] !== FAKE_CODE)
      return reply(bad(400, isGithub ? 'bad_verification_code' : 'invalid_grant', 'The code passed is incorrect or expired.'));
    const auth = clientAuthOf(req);
    if (auth.id !== FAKE_CLIENT.id || auth.secret !== FAKE_CLIENT.secret) return reply(bad(401, 'invalid_client'));
    return reply({ body: { access_token: FAKE_TOKENS[route.provider], ...route.extra } });
  }

  function slackToken(req: RecordedRequest): FakeResponse {
    const auth = clientAuthOf(req);
    if (req.form?.['code'] !== FAKE_CODE) return { body: { ok: false, error: 'invalid_code' } };
    if (auth.id !== FAKE_CLIENT.id || auth.secret !== FAKE_CLIENT.secret) return { body: { ok: false, error: 'invalid_client_id' } };
    return {
      body: {
        ok: true,
        app_id: 'A0KRD7HC3',
        authed_user: {
          id: 'U0R7JM1',
          scope: 'openid,email,profile',
          access_token: FAKE_TOKENS.slack,
          token_type: 'user',
          refresh_token: 'xoxe-slack-rt',
          expires_in: 43200,
        },
        team: { id: 'T0R7GR' },
        enterprise: null,
        is_enterprise_install: false,
      },
    };
  }

  function wechatToken(req: RecordedRequest): FakeResponse {
    if (req.method !== 'GET') return { body: { errcode: 40001, errmsg: 'invalid credential' } };
    if (req.query['appid'] !== FAKE_CLIENT.id || req.query['secret'] !== FAKE_CLIENT.secret)
      return { body: { errcode: 40125, errmsg: 'invalid appsecret' } };
    if (req.query['code'] !== FAKE_CODE) return { body: { errcode: 40029, errmsg: 'invalid code' } };
    return {
      body: {
        access_token: FAKE_TOKENS.wechat,
        expires_in: 7200,
        refresh_token: 'wechat-rt',
        openid: FAKE_PROFILES.wechat.openid,
        scope: 'snsapi_login',
        unionid: FAKE_PROFILES.wechat.unionid,
      },
    };
  }

  function wechatProfile(req: RecordedRequest): FakeResponse {
    const q = req.query;
    if (q['access_token'] !== FAKE_TOKENS.wechat || q['openid'] !== FAKE_PROFILES.wechat.openid)
      return { body: { errcode: 40003, errmsg: 'invalid openid' } };
    return { body: FAKE_PROFILES.wechat, contentType: 'text/plain' }; // WeChat really says text/plain
  }

  async function route(req: RecordedRequest): Promise<FakeResponse> {
    const key = `${req.host}${req.path}`;
    const override = overrides.get(key);
    if (override) return override(req);
    if (key === 'appleid.apple.com/auth/token') return appleToken(req);
    if (key === 'appleid.apple.com/auth/keys') return { body: appleJwks };
    if (key === 'slack.com/api/oauth.v2.access') return slackToken(req);
    if (key === 'api.weixin.qq.com/sns/oauth2/access_token') return wechatToken(req);
    if (key === 'api.weixin.qq.com/sns/userinfo') return wechatProfile(req);
    const token = TOKEN_ROUTES[key];
    if (token) return standardToken(req, token);
    const profile = PROFILE_ROUTES[key];
    if (profile) return tokenPresented(req, profile) ? { body: profile.body() } : bad(401, 'invalid_token');
    return { status: 404, body: { error: 'not_found', path: key } };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const [, host = '', ...rest] = url.pathname.split('/');
      const body = await readBody(req);
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        host: decodeURIComponent(host),
        path: `/${rest.map(decodeURIComponent).join('/')}`,
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
        form: isForm ? Object.fromEntries(new URLSearchParams(body)) : null,
      };
      requests.push(recorded);
      send(res, await route(recorded));
    })().catch((err: unknown) => send(res, { status: 500, body: { error: String(err) } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.baseUrl = baseUrl;

  const rewrite = (input: string): string => {
    const u = new URL(input);
    return u.protocol === 'https:' ? `${baseUrl}/${u.host}${u.pathname}${u.search}` : input;
  };
  const fakeFetch: typeof fetch = (input, init) =>
    typeof input === 'string' || input instanceof URL ? fetch(rewrite(String(input)), init) : fetch(input, init);

  return Object.assign(fake, {
    fetch: fakeFetch,
    urlFor: (hostAndPath: string) => `${baseUrl}/${hostAndPath.replace(/^\/+/, '')}`,
    requestsTo: (hostAndPath: string) => requests.filter((r) => `${r.host}${r.path}` === hostAndPath),
    override(hostAndPath: string, response: FakeResponse | FakeHandler) {
      overrides.set(hostAndPath, typeof response === 'function' ? response : () => response);
    },
    reset() {
      requests.length = 0;
      overrides.clear();
      fake.appleIdTokenClaims = {};
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  });
}
