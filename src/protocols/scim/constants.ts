/** Schema and message URNs (RFC 7643 §8.7, RFC 7644 §3.1). */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const PATCH_OP_MESSAGE = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_MESSAGE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_MESSAGE = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SEARCH_REQUEST_MESSAGE = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** Core schemas: their attributes live at the top level of a resource (RFC 7643 §3). */
export const CORE_SCHEMAS: readonly string[] = [USER_SCHEMA, GROUP_SCHEMA];

/** Extension schemas whose attributes live under a key named by the URN (RFC 7643 §3.3). */
export const KNOWN_EXTENSION_SCHEMAS: readonly string[] = [ENTERPRISE_USER_SCHEMA];

export function isCoreSchema(urn: string): boolean {
  const lower = urn.toLowerCase();
  return CORE_SCHEMAS.some((s) => s.toLowerCase() === lower);
}

/**
 * Multi-valued attributes of the core User and Group schemas (RFC 7643 §4.1.2, §4.2), lower-cased.
 * PATCH needs to know them to append instead of overwrite when no value exists yet.
 */
export const MULTI_VALUED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'emails',
  'phonenumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'roles',
  'x509certificates',
  'members',
]);

/**
 * Attributes whose string values compare case-sensitively (RFC 7643 §3.1, §8.7.1: `id`,
 * `externalId` and the `meta` reference/version fields are caseExact; `userName` is not).
 * Lower-cased full attribute paths; `$ref` sub-attributes are handled separately.
 */
export const CASE_EXACT_ATTRIBUTES: ReadonlySet<string> = new Set(['id', 'externalid', 'meta.resourcetype', 'meta.location', 'meta.version']);

/** Attributes whose string values "True"/"False" (Microsoft Entra ID) are coerced to booleans. */
export const BOOLEAN_ATTRIBUTES: ReadonlySet<string> = new Set(['active', 'primary']);
