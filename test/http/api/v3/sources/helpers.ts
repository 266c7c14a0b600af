/** Fixtures for the sources API tests, created through repositories (fast, no API coupling). */
import { testKeyPair } from '../../../../fakes/certs.js';
import type { TestApp } from '../../../../support/app.js';

export async function flowUuid(app: TestApp, slug = 'default-source-authentication'): Promise<string> {
  return (await app.ctx.store.repos.flows.bySlug(slug))!.uuid;
}

export async function createUser(app: TestApp, username: string): Promise<{ id: number; token: string }> {
  const repos = app.ctx.store.repos;
  const user = await repos.users.create({ username, name: username, email: `${username}@example.com` });
  const token = `token-${username}-0123456789abcdef`;
  await repos.tokens.create({ identifier: `token-${username}`, key: token, intent: 'api', userId: user.id, expiring: false });
  return { id: user.id, token };
}

export async function createKeypair(app: TestApp, name: string, withKey = true): Promise<string> {
  const pair = await testKeyPair('idp');
  const kp = await app.ctx.store.repos.keypairs.create({ name, certificateData: pair.certificate, keyData: withKey ? pair.privateKey : null });
  return kp.uuid;
}

export async function createMapping(app: TestApp, kind: 'oauth' | 'saml' | 'scim', name: string): Promise<string> {
  return (await app.ctx.store.repos.propertyMappings.create({ kind, name, expression: 'return {}' })).uuid;
}

export async function createOAuth(app: TestApp, slug: string, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await app.request({
    method: 'POST',
    url: '/api/v3/sources/oauth/',
    payload: { name: `OAuth ${slug}`, slug, provider_type: 'google', consumer_key: 'key', consumer_secret: 'secret', ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`createOAuth ${res.statusCode}: ${res.body}`);
  return res.json();
}

export async function createSaml(app: TestApp, slug: string, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await app.request({
    method: 'POST',
    url: '/api/v3/sources/saml/',
    payload: {
      name: `SAML ${slug}`,
      slug,
      sso_url: 'https://idp.example.com/sso',
      pre_authentication_flow: await flowUuid(app, 'default-source-pre-authentication'),
      ...extra,
    },
  });
  if (res.statusCode !== 201) throw new Error(`createSaml ${res.statusCode}: ${res.body}`);
  return res.json();
}

export async function createScim(app: TestApp, slug: string): Promise<Record<string, any>> {
  const res = await app.request({ method: 'POST', url: '/api/v3/sources/scim/', payload: { name: `SCIM ${slug}`, slug } });
  if (res.statusCode !== 201) throw new Error(`createScim ${res.statusCode}: ${res.body}`);
  return res.json();
}

export const PERMISSION_DENIED = { detail: 'You do not have permission to perform this action.' };

/** Recursively collects key paths (`a.b`, `list[].c`); arrays contribute the keys of their first element. */
export function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length > 0 ? keyPaths(value[0], `${prefix}[]`) : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...keyPaths(v, path)];
  });
}
