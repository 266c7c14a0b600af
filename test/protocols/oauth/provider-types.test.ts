import { describe, expect, it } from 'vitest';
import {
  effectivePkce,
  effectiveTokenAuth,
  getProviderType,
  listProviderTypes,
  resolveScopes,
  resolveUrls,
  sourceTypeDescriptor,
} from '../../../src/protocols/oauth/index.js';
import type { OAuthSourceConfig } from '../../../src/protocols/oauth/index.js';

const base: OAuthSourceConfig = { providerType: 'x', consumerKey: 'id', consumerSecret: 'secret' };

describe('registry', () => {
  it('lists the 16 provider types with their verbose names', () => {
    expect(listProviderTypes().map((t) => [t.name, t.verboseName])).toEqual([
      ['openidconnect', 'OpenID Connect'],
      ['apple', 'Apple'],
      ['discord', 'Discord'],
      ['entraid', 'Entra ID'],
      ['facebook', 'Facebook'],
      ['github', 'GitHub'],
      ['gitlab', 'GitLab'],
      ['google', 'Google'],
      ['mailcow', 'Mailcow'],
      ['okta', 'Okta'],
      ['patreon', 'Patreon'],
      ['reddit', 'Reddit'],
      ['slack', 'Slack'],
      ['twitch', 'Twitch'],
      ['twitter', 'Twitter'],
      ['wechat', 'WeChat'],
    ]);
  });

  it('marks exactly openidconnect, entraid, github, gitlab, mailcow and okta customizable', () => {
    expect(
      listProviderTypes()
        .filter((t) => t.urlsCustomizable)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['entraid', 'github', 'gitlab', 'mailcow', 'okta', 'openidconnect']);
  });

  it('falls back to the generic default type for unknown names', () => {
    expect(getProviderType('azuread-legacy').name).toBe('default');
    expect(getProviderType(undefined).name).toBe('default');
    expect(sourceTypeDescriptor('nope')).toEqual({
      name: 'default',
      verbose_name: 'Default source type',
      urls_customizable: false,
      request_token_url: null,
      authorization_url: null,
      access_token_url: null,
      profile_url: null,
      oidc_well_known_url: null,
      oidc_jwks_url: null,
    });
  });

  it('describes a type in the API shape', () => {
    expect(sourceTypeDescriptor('google')).toEqual({
      name: 'google',
      verbose_name: 'Google',
      urls_customizable: false,
      request_token_url: null,
      authorization_url: 'https://accounts.google.com/o/oauth2/auth',
      access_token_url: 'https://oauth2.googleapis.com/token',
      profile_url: 'https://www.googleapis.com/oauth2/v1/userinfo',
      oidc_well_known_url: 'https://accounts.google.com/.well-known/openid-configuration',
      oidc_jwks_url: 'https://www.googleapis.com/oauth2/v3/certs',
    });
    expect(sourceTypeDescriptor('openidconnect').authorization_url).toBeNull();
    expect(sourceTypeDescriptor('apple').profile_url).toBeNull();
  });

  it.each([
    ['github', 'basic_auth'],
    ['discord', 'basic_auth'],
    ['gitlab', 'basic_auth'],
    ['mailcow', 'basic_auth'],
    ['reddit', 'basic_auth'],
    ['twitter', 'basic_auth'],
    ['slack', 'basic_auth'],
    ['google', 'post_body'],
    ['facebook', 'post_body'],
    ['entraid', 'post_body'],
    ['patreon', 'post_body'],
    ['twitch', 'post_body'],
    ['apple', 'post_body'],
  ])('%s authenticates at the token endpoint with %s regardless of the source setting', (name, method) => {
    for (const configured of ['basic_auth', 'post_body'] as const) {
      expect(effectiveTokenAuth(getProviderType(name), { ...base, authorizationCodeAuthMethod: configured })).toBe(method);
    }
  });

  it.each(['openidconnect', 'okta'])('%s honours the source auth method (default basic_auth)', (name) => {
    const t = getProviderType(name);
    expect(effectiveTokenAuth(t, { ...base, authorizationCodeAuthMethod: 'post_body' })).toBe('post_body');
    expect(effectiveTokenAuth(t, { ...base, authorizationCodeAuthMethod: 'basic_auth' })).toBe('basic_auth');
    expect(effectiveTokenAuth(t, base)).toBe('basic_auth');
  });
});

describe('resolveUrls (source URLs win for customizable types)', () => {
  const custom = {
    ...base,
    authorizationUrl: 'https://idp.example/authorize',
    accessTokenUrl: 'https://idp.example/token',
    profileUrl: '',
    oidcJwksUrl: 'https://idp.example/jwks',
  };

  it('customizable type: non-empty source fields win, empty ones keep the default', () => {
    expect(resolveUrls(getProviderType('github'), custom)).toEqual({
      requestTokenUrl: null,
      authorizationUrl: 'https://idp.example/authorize',
      accessTokenUrl: 'https://idp.example/token',
      profileUrl: 'https://api.github.com/user',
      oidcWellKnownUrl: 'https://token.actions.githubusercontent.com/.well-known/openid-configuration',
      oidcJwksUrl: 'https://idp.example/jwks',
    });
  });

  it('non-customizable type ignores the source fields', () => {
    const urls = resolveUrls(getProviderType('discord'), custom);
    expect(urls.authorizationUrl).toBe('https://discord.com/api/oauth2/authorize');
    expect(urls.accessTokenUrl).toBe('https://discord.com/api/oauth2/token');
    expect(urls.oidcJwksUrl).toBeNull();
  });

  it('openidconnect has nothing built in', () => {
    expect(resolveUrls(getProviderType('openidconnect'), base).authorizationUrl).toBeNull();
  });
});

describe('resolveScopes', () => {
  const oidc = getProviderType('openidconnect');
  it('defaults, sorted', () => {
    expect(resolveScopes(oidc, '')).toEqual({ scope: ['email', 'openid', 'profile'], userScope: null });
  });
  it('appends additional scopes, de-duplicated', () => {
    expect(resolveScopes(oidc, 'groups  email offline_access').scope).toEqual(['email', 'groups', 'offline_access', 'openid', 'profile']);
  });
  it('a leading * replaces the defaults', () => {
    expect(resolveScopes(oidc, '*openid custom').scope).toEqual(['custom', 'openid']);
    expect(resolveScopes(oidc, '* openid').scope).toEqual(['openid']);
  });
  it('slack: scope empty, user_scope = defaults + additional, * never replaces', () => {
    const slack = getProviderType('slack');
    expect(resolveScopes(slack, '')).toEqual({ scope: [], userScope: ['email', 'openid', 'profile'] });
    expect(resolveScopes(slack, '*users:read')).toEqual({ scope: [], userScope: ['email', 'openid', 'profile', 'users:read'] });
  });
});

describe('effectivePkce', () => {
  it('customizable types use the source value', () => {
    expect(effectivePkce(getProviderType('openidconnect'), { ...base, pkce: 'S256' })).toBe('S256');
    expect(effectivePkce(getProviderType('openidconnect'), base)).toBe('none');
  });
  it('non-customizable types keep their default', () => {
    expect(effectivePkce(getProviderType('twitter'), { ...base, pkce: 'none' })).toBe('S256');
    expect(effectivePkce(getProviderType('google'), { ...base, pkce: 'S256' })).toBe('none');
  });
});
