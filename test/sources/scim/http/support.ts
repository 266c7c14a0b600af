/** Test helpers for the SCIM server: sources created directly in the database, and a client. */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../support/app.js';

export interface TestScimSource {
  uuid: string;
  slug: string;
  name: string;
  key: string;
  tokenUuid: string;
  serviceAccountId: number;
}

/** A SCIM source with its service account and `api` token, inserted with SQL. */
export async function createScimSource(
  app: TestApp,
  options: { slug?: string; enabled?: boolean; userPathTemplate?: string } = {},
): Promise<TestScimSource> {
  const slug = options.slug ?? `scim-${randomBytes(4).toString('hex')}`;
  const name = `SCIM ${slug}`;
  const source = await app.db
    .insertInto('sources')
    .values({
      kind: 'scim',
      name,
      slug,
      enabled: options.enabled ?? true,
      ...(options.userPathTemplate !== undefined ? { user_path_template: options.userPathTemplate } : {}),
    })
    .returning('pbm_uuid')
    .executeTakeFirstOrThrow();
  const repos = app.ctx.store.repos;
  const account = await repos.users.create({
    username: `ak-source-scim-${source.pbm_uuid}`,
    name: `SCIM Source ${name} Service-Account`,
    type: 'internal_service_account',
    path: 'goauthentik.io/sources/scim',
  });
  const key = randomBytes(24).toString('hex');
  const token = await repos.tokens.create({
    identifier: `ak-source-scim-${source.pbm_uuid}`,
    key,
    intent: 'api',
    userId: account.id,
    expiring: false,
    expires: null,
    managed: `goauthentik.io/sources/scim/${source.pbm_uuid}`,
  });
  await app.db.insertInto('scim_sources').values({ source_uuid: source.pbm_uuid, token_uuid: token.uuid }).execute();
  return { uuid: source.pbm_uuid, slug, name, key, tokenUuid: token.uuid, serviceAccountId: account.id };
}

export async function addScimMapping(
  app: TestApp,
  source: TestScimSource,
  target: 'user' | 'group',
  name: string,
  expression: string,
): Promise<void> {
  const pm = await app.db.insertInto('property_mappings').values({ kind: 'scim', name, expression }).returning('pm_uuid').executeTakeFirstOrThrow();
  await app.db.insertInto('source_property_mappings').values({ source_uuid: source.uuid, pm_uuid: pm.pm_uuid, target }).execute();
}

export interface ScimResponse {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: any;
}

export type ScimCall = (method: string, path: string, payload?: unknown, headers?: Record<string, string>) => Promise<ScimResponse>;

/** Requests to /source/scim/<slug>/v2<path> with the source's bearer token (or `key`). */
export function scimClient(app: TestApp, source: { slug: string; key: string | null }): ScimCall {
  return async (method, path, payload, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (source.key !== null && !('authorization' in h)) h.authorization = `Bearer ${source.key}`;
    if (payload !== undefined && !('content-type' in h)) h['content-type'] = 'application/scim+json';
    const res = await app.request({
      method: method,
      url: `/source/scim/${source.slug}/v2${path}`,
      ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
      headers: h,
      token: null,
    });
    const text = res.body;
    return { status: res.statusCode, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function patch(...operations: unknown[]): unknown {
  return { schemas: [PATCH_OP], Operations: operations };
}
