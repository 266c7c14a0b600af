/** Request bodies → the payload stored on the link row (the link row's `attributes`). */
import { ScimError, type JsonObject } from '../../protocols/scim/index.js';

export function requireObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ScimError.invalidSyntax('The request body must be a JSON object.');
  }
  return body as JsonObject;
}

/** fromEntries defines own properties: a `__proto__` key stays data, never a prototype. */
function without(payload: JsonObject, dropped: ReadonlySet<string>): JsonObject {
  return Object.fromEntries(Object.entries(payload).filter(([k, v]) => !dropped.has(k.toLowerCase()) && v !== undefined));
}

/**
 * `password` is never stored: IdPs (Okta) send it on create and PATCH, and the payload is shown
 * to admins (RFC 7643 §4.1.1 makes it writeOnly / returned "never"). authentik keeps it.
 */
const USER_DROPPED = new Set(['password']);
/** Membership lives in group_members only, so a stored copy can never go stale (and needs no lock). */
const GROUP_DROPPED = new Set(['members']);

export function storedUserPayload(payload: JsonObject): JsonObject {
  return without(payload, USER_DROPPED);
}

export function storedGroupPayload(payload: JsonObject): JsonObject {
  return without(payload, GROUP_DROPPED);
}

/** `externalId` when the client supplied one; RFC 7643 §3.1 makes it a string. */
export function externalIdOf(payload: JsonObject): string | null {
  const key = Object.keys(payload).find((k) => k.toLowerCase() === 'externalid');
  const v = key === undefined ? undefined : payload[key];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw ScimError.invalidValue('"externalId" must be a string.');
  return v;
}
