/**
 * SCIM User payload → the columns of our user (base properties plus the source's mappings,
 * docs/behaviour.md#scim-users).
 */
import { deepMerge, type PropertyDict } from '../../domain/properties.js';
import { renderUserPath, userPathError } from '../../domain/user-path.js';
import { ScimError, toBoolean, userPropertiesFromScim, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimUserFields, ScimUserRecord } from '../../storage/scim-ports.js';
import type { ScimCaller, ScimDeps } from './deps.js';
import { attributesProp, mappedProperties, stringProp } from './mapped-properties.js';

/**
 * Mappings may set these and nothing else: not `type`, `password` or group flags, which would
 * let a SCIM payload (or a careless mapping) mint a privileged account.
 */
function readProps(props: PropertyDict): Partial<ScimUserFields> {
  const out: Partial<ScimUserFields> = {};
  const username = stringProp(props, 'username');
  if (username !== undefined) out.username = username;
  const name = stringProp(props, 'name');
  if (name !== undefined) out.name = name;
  const email = stringProp(props, 'email');
  if (email !== undefined) out.email = email;
  if (props.is_active !== undefined && props.is_active !== null) out.isActive = toBoolean(props.is_active, 'active');
  const path = stringProp(props, 'path');
  if (path !== undefined) {
    const invalid = userPathError(path);
    if (invalid) throw ScimError.invalidValue(`Invalid user path "${path}": ${invalid}`);
    out.path = path;
  }
  const attributes = attributesProp(props);
  if (attributes !== undefined) out.attributes = attributes;
  return out;
}

async function properties(deps: ScimDeps, caller: ScimCaller, payload: JsonObject, creating: boolean): Promise<Partial<ScimUserFields>> {
  const base: PropertyDict = { ...userPropertiesFromScim(payload) };
  if (creating) base.path = renderUserPath(caller.source.userPathTemplate, { slug: caller.source.slug });
  const fields = readProps(await mappedProperties(deps, caller, 'user', base, payload));
  if (!fields.username) throw ScimError.invalidValue('"userName" is required.');
  return fields;
}

export async function newUserFields(deps: ScimDeps, caller: ScimCaller, payload: JsonObject): Promise<ScimUserFields> {
  const f = await properties(deps, caller, payload, true);
  return {
    username: f.username!,
    name: f.name ?? '',
    email: f.email ?? '',
    isActive: f.isActive ?? true,
    path: f.path ?? renderUserPath(caller.source.userPathTemplate, { slug: caller.source.slug }),
    attributes: f.attributes ?? {},
  };
}

/** authentik's update_attributes: fields the payload names are set, attributes deep-merged. */
export async function changedUserFields(
  deps: ScimDeps,
  caller: ScimCaller,
  payload: JsonObject,
  existing: ScimUserRecord,
): Promise<Partial<ScimUserFields>> {
  const f = await properties(deps, caller, payload, false);
  if (f.attributes !== undefined) f.attributes = deepMerge(existing.attributes, f.attributes);
  return f;
}
