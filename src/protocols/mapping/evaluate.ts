/**
 * Runs the property mappings of a source over the base properties: merge results in name
 * order, strip nulls at the end.
 */
import { deepMerge, isPlainObject, stripNulls } from '../../domain/properties.js';
import type { PropertyDict } from '../../domain/properties.js';
import type { MappingContext, MappingSandbox } from './sandbox.js';

export interface PropertyMappingDefinition {
  name: string;
  expression: string;
}

/** Code-point order, like PostgreSQL's `C` collation: deterministic on every machine. */
export function compareMappingNames(a: PropertyMappingDefinition, b: PropertyMappingDefinition): number {
  if (a.name < b.name) return -1;
  return a.name > b.name ? 1 : 0;
}

/**
 * Evaluates `mappings` in name order. Each sees the context plus `properties` = the properties
 * accumulated so far; an object result is deep-merged into them (lists merged uniquely), any
 * other result (null, list, scalar) is skipped. Null values are stripped at the end.
 * Inputs are not mutated.
 * @throws MappingError from the first failing mapping (the caller emits `configuration_error`).
 */
export async function evaluateMappings(
  sandbox: MappingSandbox,
  mappings: readonly PropertyMappingDefinition[],
  baseProperties: PropertyDict,
  context: MappingContext,
): Promise<PropertyDict> {
  let properties = deepMerge({}, baseProperties);
  for (const mapping of [...mappings].sort(compareMappingNames)) {
    const result = await sandbox.evaluate(mapping.expression, { ...context, properties }, { name: mapping.name });
    if (isPlainObject(result)) properties = deepMerge(properties, result);
  }
  return stripNulls(properties);
}
