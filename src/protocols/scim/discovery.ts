import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from './constants.js';
import type { JsonObject } from './json.js';
import type { SchemaAttribute } from './schemas/attribute-dsl.js';
import { ENTERPRISE_USER_SCHEMA_DEFINITION } from './schemas/enterprise-user-schema.js';
import { GROUP_SCHEMA_DEFINITION } from './schemas/group-schema.js';
import { USER_SCHEMA_DEFINITION } from './schemas/user-schema.js';

/*
 * Discovery documents (RFC 7644 §4, RFC 7643 §5–§7). `baseUrl` is the absolute SCIM base,
 * e.g. https://host/source/scim/<slug>/v2, without a trailing slash.
 */

export interface ServiceProviderConfigOptions {
  readonly baseUrl: string;
  /** filter.maxResults: the largest page the server returns. */
  readonly maxResults: number;
  readonly documentationUri?: string;
}

/** RFC 7643 §5. Only PATCH and filtering are supported; auth is a bearer token (RFC 6750). */
export function serviceProviderConfig(o: ServiceProviderConfigOptions): JsonObject {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(o.documentationUri ? { documentationUri: o.documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: o.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication scheme using the OAuth Bearer Token Standard',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${o.baseUrl}/ServiceProviderConfig` },
  };
}

interface ResourceTypeDef {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { schema: string; required: boolean }[];
}

const RESOURCE_TYPES: readonly ResourceTypeDef[] = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA,
    // Not required: users provisioned without enterprise attributes are valid (RFC 7643 §6).
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
  },
  { id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: GROUP_SCHEMA, schemaExtensions: [] },
];

function renderResourceType(baseUrl: string, rt: ResourceTypeDef): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: rt.id,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema,
    schemaExtensions: rt.schemaExtensions.map((e) => ({ ...e })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rt.id}` },
  };
}

export function listResourceTypes(baseUrl: string): JsonObject[] {
  return RESOURCE_TYPES.map((rt) => renderResourceType(baseUrl, rt));
}

/** Lookup by id (case-insensitive); undefined when unknown. */
export function getResourceType(baseUrl: string, id: string): JsonObject | undefined {
  const rt = RESOURCE_TYPES.find((r) => r.id.toLowerCase() === id.toLowerCase());
  return rt && renderResourceType(baseUrl, rt);
}

interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly SchemaAttribute[];
}

const SCHEMAS: readonly SchemaDef[] = [USER_SCHEMA_DEFINITION, ENTERPRISE_USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION];

function renderSchema(baseUrl: string, s: SchemaDef): JsonObject {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    // Deep copy: callers may decorate responses; the definitions are shared module data.
    attributes: structuredClone(s.attributes),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  };
}

export function listSchemas(baseUrl: string): JsonObject[] {
  return SCHEMAS.map((s) => renderSchema(baseUrl, s));
}

/** Lookup by URN (case-insensitive, RFC 8141 §3.1 is lenient enough here); undefined when unknown. */
export function getSchema(baseUrl: string, urn: string): JsonObject | undefined {
  const s = SCHEMAS.find((d) => d.id.toLowerCase() === urn.toLowerCase());
  return s && renderSchema(baseUrl, s);
}
