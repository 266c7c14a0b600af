import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAuthorizationRequest } from '../../../src/protocols/oauth/index.js';
import type { OAuthSourceConfig } from '../../../src/protocols/oauth/index.js';

const callbackUrl = 'http://testserver/source/oauth/callback/test/';
const oidc: OAuthSourceConfig = {
  slug: 'test',
  providerType: 'openidconnect',
  consumerKey: 'client-1',
  consumerSecret: 'secret',
  authorizationUrl: 'https://idp.example/authorize',
};

const query = (url: string) => new URL(url).searchParams;

describe('buildAuthorizationRequest — redirect expectations', () => {
  it('carries client_id, redirect_uri, response_type, state and sorted scopes', async () => {
    const r = await buildAuthorizationRequest({ type: 'openidconnect', source: oidc, callbackUrl });
    const q = query(r.url);
    expect(r.url.startsWith('https://idp.example/authorize?')).toBe(true);
    expect(q.get('client_id')).toBe('client-1');
    expect(q.get('redirect_uri')).toBe(callbackUrl);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('state')).toBe(r.state);
    expect(r.state.length).toBeGreaterThanOrEqual(32);
    expect(q.get('scope')).toBe('email openid profile');
    expect(r.url).toContain('scope=email%20openid%20profile'); // %20, not +
    expect(q.get('nonce')).toBe(r.nonce);
    expect(q.has('code_challenge')).toBe(false);
    expect(r.codeVerifier).toBeUndefined();
    expect(r.configurationError).toBeUndefined();
  });

  it('generates a fresh state and nonce each time', async () => {
    const a = await buildAuthorizationRequest({ type: 'openidconnect', source: oidc, callbackUrl });
    const b = await buildAuthorizationRequest({ type: 'openidconnect', source: oidc, callbackUrl });
    expect(a.state).not.toBe(b.state);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('pkce=S256: 128-char verifier, challenge = base64url(SHA-256(verifier)) without padding', async () => {
    const r = await buildAuthorizationRequest({ type: 'openidconnect', source: { ...oidc, pkce: 'S256' }, callbackUrl });
    expect(r.codeVerifier).toHaveLength(128);
    expect(r.codeVerifier).toMatch(/^[A-Za-z0-9_-]+$/);
    const q = query(r.url);
    expect(q.get('code_challenge')).toBe(createHash('sha256').update(r.codeVerifier!).digest('base64url'));
    expect(q.get('code_challenge')).not.toContain('=');
    expect(q.get('code_challenge_method')).toBe('S256');
  });

  it('pkce=plain: challenge is the verifier', async () => {
    const r = await buildAuthorizationRequest({ type: 'openidconnect', source: { ...oidc, pkce: 'plain' }, callbackUrl });
    expect(query(r.url).get('code_challenge')).toBe(r.codeVerifier);
    expect(query(r.url).get('code_challenge_method')).toBe('plain');
  });

  it('twitter uses S256 by default', async () => {
    const r = await buildAuthorizationRequest({ type: 'twitter', source: { ...oidc, providerType: 'twitter' }, callbackUrl });
    expect(query(r.url).get('code_challenge_method')).toBe('S256');
    expect(r.url.startsWith('https://twitter.com/i/oauth2/authorize?')).toBe(true);
  });

  it('adds login_hint when given', async () => {
    const r = await buildAuthorizationRequest({ type: 'openidconnect', source: oidc, callbackUrl, loginHint: 'jane@example.com' });
    expect(query(r.url).get('login_hint')).toBe('jane@example.com');
    const none = await buildAuthorizationRequest({ type: 'openidconnect', source: oidc, callbackUrl, loginHint: '' });
    expect(query(none.url).has('login_hint')).toBe(false);
  });
});

describe('configured authorization URL query (never over protected parameters)', () => {
  const tricky: OAuthSourceConfig = {
    ...oidc,
    pkce: 'S256',
    authorizationUrl:
      'https://idp.example/authorize?tenant=acme&prompt=login&scope=openid+extra&state=attacker&redirect_uri=https://evil.example/cb&client_id=other&response_type=token&nonce=n&code_challenge=c&code_challenge_method=plain#frag',
  };

  it('keeps extra parameters and lets them override non-protected ones', async () => {
    const r = await buildAuthorizationRequest({ type: 'openidconnect', source: tricky, callbackUrl });
    const q = query(r.url);
    expect(q.get('tenant')).toBe('acme');
    expect(q.get('prompt')).toBe('login');
    expect(q.get('scope')).toBe('extra openid');
    expect(r.url).not.toContain('#frag');
  });

  it('never lets it override state, redirect_uri, client_id, response_type, nonce or PKCE', async () => {
    const r = await buildAuthorizationRequest({ type: 'openidconnect', source: tricky, callbackUrl });
    const q = query(r.url);
    expect(q.getAll('state')).toEqual([r.state]);
    expect(q.getAll('redirect_uri')).toEqual([callbackUrl]);
    expect(q.getAll('client_id')).toEqual(['client-1']);
    expect(q.getAll('response_type')).toEqual(['code']);
    expect(q.getAll('nonce')).toEqual([r.nonce]);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toBe(createHash('sha256').update(r.codeVerifier!).digest('base64url'));
  });

  it('flags an empty authorization URL but still returns a redirect', async () => {
    const r = await buildAuthorizationRequest({ type: 'openidconnect', source: { ...oidc, authorizationUrl: '' }, callbackUrl });
    expect(r.configurationError).toBe('Source has an empty authorization URL.');
    expect(r.url.startsWith('?client_id=client-1')).toBe(true);
  });
});

describe('type-specific parameters', () => {
  const src = (providerType: string, extra: Partial<OAuthSourceConfig> = {}): OAuthSourceConfig => ({ ...oidc, providerType, ...extra });

  it('additional_scopes with * replaces the defaults', async () => {
    const r = await buildAuthorizationRequest({
      type: 'openidconnect',
      source: src('openidconnect', { additionalScopes: '*openid groups openid' }),
      callbackUrl,
    });
    expect(query(r.url).get('scope')).toBe('groups openid');
  });

  it('slack sends an empty scope and a comma-separated user_scope', async () => {
    const r = await buildAuthorizationRequest({ type: 'slack', source: src('slack', { additionalScopes: '*users:read' }), callbackUrl });
    const q = query(r.url);
    expect(q.get('scope')).toBe('');
    expect(q.get('user_scope')).toBe('email,openid,profile,users:read');
    expect(r.nonce).toBeUndefined();
  });

  it('apple: services id as client_id, form_post, name email, nonce', async () => {
    const r = await buildAuthorizationRequest({
      type: 'apple',
      source: src('apple', { consumerKey: 'com.example.web;TEAM123;KEY456' }),
      callbackUrl,
    });
    const q = query(r.url);
    expect(r.url.startsWith('https://appleid.apple.com/auth/authorize?')).toBe(true);
    expect(q.get('client_id')).toBe('com.example.web');
    expect(q.get('response_mode')).toBe('form_post');
    expect(q.get('scope')).toBe('email name');
    expect(q.get('nonce')).toBe(r.nonce);
  });

  it('twitch asks for userinfo claims; discord prompt=none; reddit duration=permanent', async () => {
    const twitch = await buildAuthorizationRequest({ type: 'twitch', source: src('twitch'), callbackUrl });
    expect(JSON.parse(query(twitch.url).get('claims')!)).toEqual({ userinfo: { email: null, preferred_username: null } });
    const discord = await buildAuthorizationRequest({ type: 'discord', source: src('discord'), callbackUrl });
    expect(query(discord.url).get('prompt')).toBe('none');
    expect(query(discord.url).get('scope')).toBe('email identify');
    const reddit = await buildAuthorizationRequest({ type: 'reddit', source: src('reddit'), callbackUrl });
    expect(query(reddit.url).get('duration')).toBe('permanent');
  });

  it('wechat adds appid and the wechat_redirect fragment', async () => {
    const r = await buildAuthorizationRequest({ type: 'wechat', source: src('wechat'), callbackUrl });
    expect(new URL(r.url).hash).toBe('#wechat_redirect');
    expect(query(r.url).get('appid')).toBe('client-1');
    expect(query(r.url).get('scope')).toBe('snsapi_login');
  });

  it.each([
    ['openidconnect', true],
    ['okta', true],
    ['entraid', true],
    ['gitlab', true],
    ['google', true],
    ['twitch', true],
    ['apple', true],
    ['github', false],
    ['discord', false],
    ['facebook', false],
    ['mailcow', false],
    ['patreon', false],
    ['reddit', false],
    ['slack', false],
    ['twitter', false],
    ['wechat', false],
  ])('%s sends a nonce: %s', async (type, expected) => {
    const r = await buildAuthorizationRequest({ type, source: src(type), callbackUrl });
    expect(query(r.url).has('nonce')).toBe(expected);
    expect(r.nonce !== undefined).toBe(expected);
  });
});
