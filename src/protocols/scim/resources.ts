import { GROUP_SCHEMA, USER_SCHEMA, isCoreSchema } from './constants.js';
import { ScimError } from './errors.js';
import { findKey, getCi, isPlainObject } from './json.js';
import type { JsonObject } from './json.js';

/**
 * Base user properties from a SCIM User payload (docs/behaviour.md#scim-users). Keys are those
 * property mappings see (authentik's field names). A key is absent when the payload says nothing
 * about it, so an update does not clear it; `username` absent → the caller answers "Invalid user".
 */
export interface ScimUserProperties {
  username?: string;
  name?: string;
  email?: string;
  is_active: boolean;
}

export function userPropertiesFromScim(payload: JsonObject): ScimUserProperties {
  const props: ScimUserProperties = { is_active: true };
  const userName = getCi(payload, 'userName');
  if (userName !== undefined && userName !== null) {
    if (typeof userName !== 'string') throw ScimError.invalidValue('"userName" must be a string.');
    if (userName !== '') props.username = userName;
  }
  const name = displayNameOf(payload);
  if (name !== undefined) props.name = name;
  const email = emailOf(payload);
  if (email !== undefined) props.email = email;
  const active = getCi(payload, 'active');
  if (active !== undefined && active !== null) props.is_active = toBoolean(active, 'active');
  return props;
}

/** name.formatted, else "givenName familyName", else displayName. */
function displayNameOf(payload: JsonObject): string | undefined {
  const name = getCi(payload, 'name');
  if (isPlainObject(name)) {
    const formatted = getCi(name, 'formatted');
    if (typeof formatted === 'string' && formatted.trim() !== '') return formatted;
    const parts = [getCi(name, 'givenName'), getCi(name, 'familyName')].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    if (parts.length > 0) return parts.join(' ');
  }
  const display = getCi(payload, 'displayName');
  return typeof display === 'string' && display !== '' ? display : undefined;
}

/** The primary email, else the first one; "" for an empty list. */
function emailOf(payload: JsonObject): string | undefined {
  const emails = getCi(payload, 'emails');
  if (emails === undefined || emails === null) return undefined;
  if (!Array.isArray(emails)) throw ScimError.invalidValue('"emails" must be a list.');
  const objects = emails.filter(isPlainObject);
  const chosen = objects.find((e) => toBooleanLoose(getCi(e, 'primary'))) ?? objects[0];
  const value = chosen ? getCi(chosen, 'value') : undefined;
  return typeof value === 'string' ? value : '';
}

/** Booleans, and Entra ID's "True"/"False" strings (any case). */
export function toBoolean(v: unknown, attr: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw ScimError.invalidValue(`"${attr}" must be a boolean.`);
}

function toBooleanLoose(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

export function groupPropertiesFromScim(payload: JsonObject): { name?: string } {
  const name = getCi(payload, 'displayName');
  if (name === undefined || name === null || name === '') return {};
  if (typeof name !== 'string') throw ScimError.invalidValue('"displayName" must be a string.');
  return { name };
}

export interface ScimUserData {
  uuid: string;
  externalId: string | null;
  username: string;
  name: string;
  email: string;
  isActive: boolean;
  created: Date | string;
  lastModified: Date | string;
  /** The last SCIM payload stored for this user (link-row attributes). */
  payload: JsonObject;
}

export interface ScimGroupData {
  uuid: string;
  externalId: string | null;
  name: string;
  members: readonly { uuid: string; display?: string }[];
  created: Date | string;
  lastModified: Date | string;
  payload: JsonObject;
}

export interface RepresentationOptions {
  /** Absolute SCIM base URL, e.g. https://host/source/scim/<slug>/v2 (no trailing slash). */
  baseUrl: string;
  version?: string;
}

/**
 * Keys the server owns. Unlike authentik, a stored payload never overrides them,
 * so responses cannot diverge from the real user/group. `password` is returned "never"
 * (RFC 7643 §4.1.1) but IdPs do send it on create.
 */
const USER_OWNED = new Set(['schemas', 'id', 'externalid', 'username', 'active', 'meta', 'password']);
const GROUP_OWNED = new Set(['schemas', 'id', 'externalid', 'displayname', 'members', 'meta']);

export function buildUserResource(u: ScimUserData, opts: RepresentationOptions): JsonObject {
  const rest = carried(u.payload, USER_OWNED);
  const resource: JsonObject = {
    schemas: [USER_SCHEMA, ...extensionSchemas(rest)],
    id: u.uuid,
    ...(u.externalId !== null ? { externalId: u.externalId } : {}),
    userName: u.username,
  };
  // Generated from the user only where the payload has nothing (stored spelling wins).
  const defaults: JsonObject = { name: { formatted: u.name }, displayName: u.name };
  if (u.email) defaults.emails = [{ value: u.email, type: 'work', primary: true }];
  for (const [k, v] of Object.entries(defaults)) if (findKey(rest, k) === undefined) resource[k] = v;
  const nameKey = findKey(rest, 'name');
  const storedName = nameKey === undefined ? undefined : rest[nameKey];
  if (isPlainObject(storedName) && findKey(storedName, 'formatted') === undefined) {
    rest[nameKey!] = { formatted: u.name, ...storedName };
  }
  Object.assign(resource, rest);
  resource.active = u.isActive;
  resource.meta = meta('User', `${opts.baseUrl}/Users/${u.uuid}`, u.created, u.lastModified, opts.version);
  return resource;
}

export function buildGroupResource(g: ScimGroupData, opts: RepresentationOptions): JsonObject {
  const rest = carried(g.payload, GROUP_OWNED);
  return {
    schemas: [GROUP_SCHEMA, ...extensionSchemas(rest)],
    id: g.uuid,
    ...(g.externalId !== null ? { externalId: g.externalId } : {}),
    displayName: g.name,
    ...rest,
    members: g.members.map((m) => ({
      value: m.uuid,
      ...(m.display !== undefined ? { display: m.display } : {}),
      $ref: `${opts.baseUrl}/Users/${m.uuid}`,
      type: 'User',
    })),
    meta: meta('Group', `${opts.baseUrl}/Groups/${g.uuid}`, g.created, g.lastModified, opts.version),
  };
}

/** Stored keys the server does not own (compared case-insensitively). */
function carried(payload: JsonObject, owned: ReadonlySet<string>): JsonObject {
  const rest: JsonObject = {};
  for (const [k, v] of Object.entries(payload ?? {})) {
    if (!owned.has(k.toLowerCase()) && v !== undefined) rest[k] = v;
  }
  return rest;
}

function extensionSchemas(rest: JsonObject): string[] {
  return Object.keys(rest).filter((k) => k.toLowerCase().startsWith('urn:') && !isCoreSchema(k) && isPlainObject(rest[k]));
}

function meta(resourceType: string, location: string, created: Date | string, lastModified: Date | string, version?: string): JsonObject {
  return {
    resourceType,
    created: iso(created),
    lastModified: iso(lastModified),
    location,
    ...(version !== undefined ? { version } : {}),
  };
}

function iso(d: Date | string): string {
  return d instanceof Date ? d.toISOString() : d;
}
