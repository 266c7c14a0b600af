/**
 * Every provider type end to end against the fake provider server: how the client authenticates at
 * the token endpoint, how it presents the access token to the profile endpoint, and what identifier
 * and base user properties come out (docs/behaviour.md#oauth-provider-types).
 */
import { exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exchangeCode, extractIdentity, fetchProfile, ID_TOKEN_REASONS } from '../../../src/protocols/oauth/index.js';
import type { OAuthSourceConfig } from '../../../src/protocols/oauth/index.js';
import {
  clientAuthOf,
  FAKE_APPLE_SUB,
  FAKE_CLIENT,
  FAKE_CODE,
  FAKE_HOSTS,
  FAKE_PROFILES,
  FAKE_TOKENS,
  startFakeOAuthProviders,
} from '../../fakes/oauth-providers.js';
import type { FakeOAuthProviders, RecordedRequest } from '../../fakes/oauth-providers.js';

const callbackUrl = 'https://tributary.example/source/oauth/callback/x/';
let fake: FakeOAuthProviders;

beforeAll(async () => {
  fake = await startFakeOAuthProviders();
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());

function source(providerType: string, extra: Partial<OAuthSourceConfig> = {}): OAuthSourceConfig {
  return { providerType, consumerKey: FAKE_CLIENT.id, consumerSecret: FAKE_CLIENT.secret, ...extra };
}

async function login(src: OAuthSourceConfig, opts: { nonce?: string } = {}) {
  const type = src.providerType;
  const token = await exchangeCode({ type, source: src, code: FAKE_CODE, callbackUrl, fetch: fake.fetch });
  const result = await fetchProfile({ type, source: src, token, fetch: fake.fetch, nonce: opts.nonce });
  const identity = extractIdentity(type, result.profile, result);
  return { token, result, identity };
}

function only(hostAndPath: string): RecordedRequest {
  const reqs = fake.requestsTo(hostAndPath);
  expect(reqs).toHaveLength(1);
  return reqs[0];
}

/** Token presentation at the profile endpoint. */
function presentation(req: RecordedRequest) {
  return { header: req.headers['authorization'] ?? null, query: req.query['access_token'] ?? null };
}

describe('per provider type', () => {
  it('github: Basic auth, Q+H, /emails primary fallback reported as unverified', async () => {
    const { token, result, identity } = await login(source('github'));
    const tokenReq = only('github.com/login/oauth/access_token');
    expect(clientAuthOf(tokenReq).method).toBe('basic');
    expect(tokenReq.headers['accept']).toBe('application/json');
    expect(tokenReq.form).toEqual({ grant_type: 'authorization_code', redirect_uri: callbackUrl, code: FAKE_CODE });
    expect(token.tokenType).toBe('bearer');
    expect(presentation(only('api.github.com/user'))).toEqual({ header: `bearer ${FAKE_TOKENS.github}`, query: FAKE_TOKENS.github });
    expect(presentation(only('api.github.com/user/emails')).header).toBe(`bearer ${FAKE_TOKENS.github}`);
    expect(identity.identifier).toBe('583231');
    expect(identity.properties).toEqual({ username: 'octocat', email: 'octocat@github.com', name: 'The Octocat' });
    expect(result.emailVerified).toBe(false);
  });

  it('github: a public profile email skips the /emails call', async () => {
    fake.override('api.github.com/user', { body: { ...FAKE_PROFILES.github, email: 'public@example.com' } });
    const { identity } = await login(source('github'));
    expect(identity.properties.email).toBe('public@example.com');
    expect(fake.requestsTo('api.github.com/user/emails')).toHaveLength(0);
  });

  it('github: tolerates a form-encoded token response', async () => {
    fake.override('github.com/login/oauth/access_token', {
      body: `access_token=${FAKE_TOKENS.github}&scope=read%3Auser&token_type=bearer`,
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });
    const { token } = await login(source('github'));
    expect(token.accessToken).toBe(FAKE_TOKENS.github);
    expect(token.scope).toBe('read:user');
  });

  it('google: post_body, Q+H, verified_email', async () => {
    const { result, identity, token } = await login(source('google'));
    const tokenReq = only('oauth2.googleapis.com/token');
    expect(clientAuthOf(tokenReq)).toEqual({ method: 'body', id: FAKE_CLIENT.id, secret: FAKE_CLIENT.secret });
    expect(tokenReq.headers['authorization']).toBeUndefined();
    expect(token.expiresIn).toBe(3599);
    expect(presentation(only('www.googleapis.com/oauth2/v1/userinfo'))).toEqual({
      header: `Bearer ${FAKE_TOKENS.google}`,
      query: FAKE_TOKENS.google,
    });
    expect(identity.identifier).toBe('108398427390413541243');
    expect(identity.properties).toEqual({ email: 'jane.doe@gmail.com', name: 'Jane Doe' });
    expect(result.emailVerified).toBe(true);
  });

  it('discord: Basic, Q+H, username as name', async () => {
    const { result, identity } = await login(source('discord'));
    expect(clientAuthOf(only('discord.com/api/oauth2/token')).method).toBe('basic');
    expect(presentation(only('discord.com/api/users/@me'))).toEqual({ header: `Bearer ${FAKE_TOKENS.discord}`, query: FAKE_TOKENS.discord });
    expect(identity).toMatchObject({ identifier: '80351110224678912', properties: { username: 'nelly', email: 'nelly@discord.com', name: 'nelly' } });
    expect(result.emailVerified).toBe(true);
  });

  it('entraid: post_body, header only, no groups without GroupMember.Read.All', async () => {
    const { identity } = await login(source('entraid'));
    expect(clientAuthOf(only('login.microsoftonline.com/common/oauth2/v2.0/token')).method).toBe('body');
    expect(presentation(only('graph.microsoft.com/v1.0/me'))).toEqual({ header: `Bearer ${FAKE_TOKENS.entraid}`, query: null });
    expect(fake.requestsTo('graph.microsoft.com/v1.0/me/memberOf')).toHaveLength(0);
    expect(identity).toEqual({
      identifier: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
      properties: { username: 'MeganB@contoso.onmicrosoft.com', email: 'megan@contoso.example', name: 'Megan Bowen' },
      groupNames: {},
      droppedGroups: 0,
    });
  });

  it('entraid: memberOf groups (groups only) with display names', async () => {
    const { result, identity } = await login(source('entraid', { additionalScopes: 'https://graph.microsoft.com/GroupMember.Read.All' }));
    expect(presentation(only('graph.microsoft.com/v1.0/me/memberOf'))).toEqual({ header: `Bearer ${FAKE_TOKENS.entraid}`, query: null });
    const groups = ['02bd9fd6-8f93-4758-87c3-1fb73740a315', 'b320ee12-b1cd-4cca-b648-a437be61c5cd'];
    expect(identity.properties.groups).toEqual(groups);
    expect(identity.groupNames).toEqual({ [groups[0]]: 'HR Taskforce', [groups[1]]: 'Sales' });
    expect(result.groupNames).toEqual(identity.groupNames);
    expect(result.profile['raw_groups']).toEqual(FAKE_PROFILES.entraMemberOf);
  });

  it('entraid: a failing memberOf call fails the whole profile', async () => {
    fake.override('graph.microsoft.com/v1.0/me/memberOf', { status: 403, body: { error: { code: 'Authorization_RequestDenied' } } });
    await expect(login(source('entraid', { additionalScopes: 'https://graph.microsoft.com/GroupMember.Read.All' }))).rejects.toThrow(
      'Could not retrieve profile.',
    );
  });

  it('facebook: post_body, Q+H keeps the fields query', async () => {
    const { identity } = await login(source('facebook'));
    expect(clientAuthOf(only('graph.facebook.com/v7.0/oauth/access_token')).method).toBe('body');
    const me = only('graph.facebook.com/v7.0/me');
    expect(me.query).toEqual({ fields: 'id,name,email', access_token: FAKE_TOKENS.facebook });
    expect(me.headers['authorization']).toBe(`bearer ${FAKE_TOKENS.facebook}`);
    expect(identity).toMatchObject({
      identifier: '10158123456789012',
      properties: { username: 'Fran Book', email: 'fran@example.com', name: 'Fran Book' },
    });
  });

  it('gitlab: Basic, Q+H, id from sub, preferred_username', async () => {
    const { result, identity } = await login(source('gitlab'));
    expect(clientAuthOf(only('gitlab.com/oauth/token')).method).toBe('basic');
    expect(presentation(only('gitlab.com/oauth/userinfo'))).toEqual({ header: `Bearer ${FAKE_TOKENS.gitlab}`, query: FAKE_TOKENS.gitlab });
    expect(identity.identifier).toBe('1234567');
    expect(identity.properties).toEqual({ username: 'gitalab', email: 'gita@example.com', name: 'Gita Lab' });
    expect(result.emailVerified).toBe(true);
  });

  it('mailcow: configured URLs, Basic, token only in the query', async () => {
    const { identity } = await login(
      source('mailcow', {
        authorizationUrl: fake.urlFor(`${FAKE_HOSTS.mailcow}/oauth/authorize`),
        accessTokenUrl: fake.urlFor(`${FAKE_HOSTS.mailcow}/oauth/token`),
        profileUrl: fake.urlFor(`${FAKE_HOSTS.mailcow}/oauth/profile`),
      }),
    );
    expect(clientAuthOf(only(`${FAKE_HOSTS.mailcow}/oauth/token`)).method).toBe('basic');
    expect(presentation(only(`${FAKE_HOSTS.mailcow}/oauth/profile`))).toEqual({ header: null, query: FAKE_TOKENS.mailcow });
    expect(identity).toMatchObject({
      identifier: 'mbox@mail.example.test',
      properties: { username: 'Mail Box', email: 'mbox@mail.example.test', name: 'Mail Box' },
    });
  });

  it.each([
    ['basic_auth', 'basic'],
    ['post_body', 'body'],
  ] as const)('okta: source auth %s, userinfo header only, groups claim', async (method, seen) => {
    const { result, identity } = await login(
      source('okta', {
        accessTokenUrl: fake.urlFor(`${FAKE_HOSTS.oidc}/token`),
        profileUrl: fake.urlFor(`${FAKE_HOSTS.oidc}/userinfo`),
        authorizationCodeAuthMethod: method,
      }),
    );
    const tokenReq = only(`${FAKE_HOSTS.oidc}/token`);
    expect(clientAuthOf(tokenReq).method).toBe(seen);
    if (seen === 'basic') expect(tokenReq.form).not.toHaveProperty('client_id');
    expect(presentation(only(`${FAKE_HOSTS.oidc}/userinfo`))).toEqual({ header: `Bearer ${FAKE_TOKENS.oidc}`, query: null });
    expect(identity).toEqual({
      identifier: '00u1okta',
      properties: { username: 'oktanick', email: 'okta.user@example.com', name: 'Okta User', groups: ['Everyone', 'grp-admins', '42'] },
      groupNames: { Everyone: 'Everyone', 'grp-admins': 'Admins', '42': '42' },
      droppedGroups: 1,
    });
    expect(result.emailVerified).toBe(true);
  });

  it('openidconnect: username falls back to preferred_username only without nickname', async () => {
    fake.override(`${FAKE_HOSTS.oidc}/userinfo`, { body: { sub: 's1', preferred_username: 'pref', email: 'e@x' } });
    const { identity } = await login(
      source('openidconnect', {
        accessTokenUrl: fake.urlFor(`${FAKE_HOSTS.oidc}/token`),
        profileUrl: fake.urlFor(`${FAKE_HOSTS.oidc}/userinfo`),
      }),
    );
    expect(identity.properties).toEqual({ username: 'pref', email: 'e@x' });
  });

  it('patreon: post_body, Q+H, nested data', async () => {
    const { result, identity } = await login(source('patreon'));
    expect(clientAuthOf(only('www.patreon.com/api/oauth2/token')).method).toBe('body');
    expect(presentation(only('www.patreon.com/api/oauth2/api/current_user'))).toEqual({
      header: `Bearer ${FAKE_TOKENS.patreon}`,
      query: FAKE_TOKENS.patreon,
    });
    expect(identity).toMatchObject({
      identifier: '12345678',
      properties: { username: 'patreon_vanity', email: 'pat@example.com', name: 'Pat Reon' },
    });
    expect(result.emailVerified).toBe(true);
  });

  it('reddit: forced Basic, header only, no email', async () => {
    const { identity } = await login(source('reddit', { authorizationCodeAuthMethod: 'post_body' }));
    const tokenReq = only('www.reddit.com/api/v1/access_token');
    expect(clientAuthOf(tokenReq).method).toBe('basic');
    expect(tokenReq.form).not.toHaveProperty('client_secret');
    expect(presentation(only('oauth.reddit.com/api/v1/me'))).toEqual({ header: `bearer ${FAKE_TOKENS.reddit}`, query: null });
    expect(identity).toMatchObject({ identifier: 'abc12', properties: { username: 'spez_fan', name: 'spez_fan' } });
    expect(identity.properties).not.toHaveProperty('email');
  });

  it('slack: Basic, authed_user token replaces the top level, Bearer forced', async () => {
    const { token, identity } = await login(source('slack'));
    expect(clientAuthOf(only('slack.com/api/oauth.v2.access')).method).toBe('basic');
    expect(token).toMatchObject({ accessToken: FAKE_TOKENS.slack, tokenType: 'Bearer', refreshToken: 'xoxe-slack-rt', expiresIn: 43200 });
    expect(token.raw['id']).toBe('U0R7JM1');
    expect(presentation(only('slack.com/api/openid.connect.userInfo'))).toEqual({ header: `Bearer ${FAKE_TOKENS.slack}`, query: FAKE_TOKENS.slack });
    expect(identity).toMatchObject({ identifier: 'U0R7JM1', properties: { username: 'krane', email: 'krane@slack-corp.example', name: 'krane' } });
  });

  it('twitch: post_body, header only with capitalised Bearer', async () => {
    const { token, identity } = await login(source('twitch'));
    expect(clientAuthOf(only('id.twitch.tv/oauth2/token')).method).toBe('body');
    expect(token.tokenType).toBe('bearer');
    expect(presentation(only('id.twitch.tv/oauth2/userinfo'))).toEqual({ header: `Bearer ${FAKE_TOKENS.twitch}`, query: null });
    expect(identity).toMatchObject({
      identifier: '713936733',
      properties: { username: 'twitchdev', email: 'twitchdev@example.com', name: 'twitchdev' },
    });
  });

  it('twitter: forced Basic with code_verifier, header only, nested data', async () => {
    const src = source('twitter');
    const token = await exchangeCode({
      type: 'twitter',
      source: src,
      code: FAKE_CODE,
      callbackUrl,
      codeVerifier: 'v'.repeat(128),
      fetch: fake.fetch,
    });
    const tokenReq = only('api.twitter.com/2/oauth2/token');
    expect(clientAuthOf(tokenReq).method).toBe('basic');
    expect(tokenReq.form?.['code_verifier']).toBe('v'.repeat(128));
    const result = await fetchProfile({ type: 'twitter', source: src, token, fetch: fake.fetch });
    expect(presentation(only('api.twitter.com/2/users/me'))).toEqual({ header: `bearer ${FAKE_TOKENS.twitter}`, query: null });
    expect(extractIdentity('twitter', result.profile)).toMatchObject({
      identifier: '2244994945',
      properties: { username: 'XDevelopers', name: 'X Developers' },
    });
  });

  it('wechat: GET token exchange, profile with openid and lang=en, unionid identifier', async () => {
    const { identity } = await login(source('wechat'));
    const tokenReq = only('api.weixin.qq.com/sns/oauth2/access_token');
    expect(tokenReq.method).toBe('GET');
    expect(tokenReq.query).toEqual({ appid: FAKE_CLIENT.id, secret: FAKE_CLIENT.secret, code: FAKE_CODE, grant_type: 'authorization_code' });
    expect(only('api.weixin.qq.com/sns/userinfo').query).toEqual({
      access_token: FAKE_TOKENS.wechat,
      openid: FAKE_PROFILES.wechat.openid,
      lang: 'en',
    });
    expect(identity.identifier).toBe('oUNION-unionid-1');
    expect(identity.properties).toEqual({
      username: 'oUNION-unionid-1',
      name: 'Wei Xin',
      attributes: {
        headimgurl: FAKE_PROFILES.wechat.headimgurl,
        sex: 1,
        city: 'Shenzhen',
        province: 'Guangdong',
        country: 'CN',
        unionid: 'oUNION-unionid-1',
        openid: 'oWECHAT-openid-1',
      },
    });
  });

  it('wechat: openid when there is no unionid; errcode fails the profile', async () => {
    const { unionid: _u, ...noUnion } = FAKE_PROFILES.wechat;
    fake.override('api.weixin.qq.com/sns/userinfo', { body: noUnion });
    expect((await login(source('wechat'))).identity.identifier).toBe('oWECHAT-openid-1');
    fake.override('api.weixin.qq.com/sns/userinfo', { body: { errcode: 40003, errmsg: 'invalid openid' } });
    await expect(login(source('wechat'))).rejects.toThrow('Could not retrieve profile.');
  });

  it('wechat: errcode on the token exchange is the reason', async () => {
    await expect(exchangeCode({ type: 'wechat', source: source('wechat'), code: 'nope', callbackUrl, fetch: fake.fetch })).rejects.toThrow(
      'invalid code',
    );
  });
});

describe('apple', () => {
  let pem: string;
  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    pem = await exportPKCS8(privateKey);
  });
  const apple = () => source('apple', { consumerKey: 'com.example.web;TEAM123;KEY456', consumerSecret: pem });

  it('sends the generated client secret in the body; the verified id_token is the profile', async () => {
    fake.appleIdTokenClaims = { nonce: 'apple-nonce' };
    const { result, identity } = await login(apple(), { nonce: 'apple-nonce' });
    const tokenReq = only('appleid.apple.com/auth/token');
    expect(clientAuthOf(tokenReq).method).toBe('body');
    expect(tokenReq.form?.['client_id']).toBe('com.example.web');
    expect(tokenReq.form?.['client_secret']?.split('.')).toHaveLength(3);
    expect(fake.requestsTo('appleid.apple.com/auth/keys')).toHaveLength(1);
    expect(identity).toMatchObject({ identifier: FAKE_APPLE_SUB, properties: { email: 'apple.user@privaterelay.appleid.com' } });
    expect(result.emailVerified).toBe(true);
    expect(result.refreshedJwks).toEqual(fake.appleJwks);
  });

  it('refuses an id_token with another nonce', async () => {
    fake.appleIdTokenClaims = { nonce: 'replayed' };
    await expect(login(apple(), { nonce: 'apple-nonce' })).rejects.toThrow(ID_TOKEN_REASONS.nonce);
  });

  it('refuses an id_token for another audience', async () => {
    fake.appleIdTokenClaims = { aud: 'com.other.app' };
    await expect(login(apple())).rejects.toThrow(ID_TOKEN_REASONS.audience);
  });

  it('a malformed consumer key is a clear configuration error', async () => {
    await expect(login(source('apple', { consumerKey: 'only-services-id', consumerSecret: pem }))).rejects.toThrow(/services_id;team_id;key_id/);
  });
});
