/**
 * The source's SCIM property mappings over base properties (docs/behaviour.md#property-mappings;
 * mappings see the raw payload as `data`). Sandboxed: admin expressions run in protocols/mapping's
 * QuickJS sandbox.
 */
import { isPlainObject, type PropertyDict } from '../../domain/properties.js';
import { evaluateMappings, MappingError } from '../../protocols/mapping/index.js';
import { ScimError, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimCaller, ScimDeps } from './deps.js';

export async function mappedProperties(
  deps: ScimDeps,
  caller: ScimCaller,
  target: 'user' | 'group',
  base: PropertyDict,
  payload: JsonObject,
): Promise<PropertyDict> {
  const definitions = caller.source.mappings[target];
  if (definitions.length === 0) return base;
  const source = { pk: caller.source.uuid, name: caller.source.name, slug: caller.source.slug };
  return evaluateMappings(deps.mappings, definitions, base, { data: payload, source });
}

/**
 * Runs a write use case; a failing mapping becomes a `configuration_error` event (recorded after
 * the transaction rolled back, so it survives) and a SCIM 400 — the client cannot fix it, but a
 * 5xx would only make the IdP retry the same payload forever.
 */
export async function withMappingErrors<T>(deps: ScimDeps, caller: ScimCaller, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    await deps.store.repos.events.record({
      action: 'configuration_error',
      user: caller.actor,
      context: { message: e.message, source: caller.source.name, mapping: e.mappingName },
    });
    throw new ScimError(400, 'invalidValue', e.message, { cause: e });
  }
}

export function stringProp(props: PropertyDict, key: string): string | undefined {
  const v = props[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw ScimError.invalidValue(`Property "${key}" must be a string.`);
  return v;
}

export function attributesProp(props: PropertyDict): Record<string, unknown> | undefined {
  const v = props.attributes;
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw ScimError.invalidValue('Property "attributes" must be an object.');
  return v;
}
