/**
 * Compact builders for RFC 7643 §7 attribute definitions. Every characteristic is written out
 * in the output (clients such as the Entra validator read them literally); the defaults are
 * those of RFC 7643 §2.2.
 */

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface SchemaAttribute {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact?: boolean;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly SchemaAttribute[];
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
}

export interface AttrOptions {
  readonly multiValued?: boolean;
  readonly required?: boolean;
  readonly caseExact?: boolean;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly mutability?: Mutability;
  readonly returned?: Returned;
  readonly uniqueness?: Uniqueness;
}

function attr(
  name: string,
  type: AttributeType,
  description: string,
  o: AttrOptions = {},
  subAttributes?: readonly SchemaAttribute[],
): SchemaAttribute {
  const textual = type === 'string' || type === 'reference' || type === 'binary';
  return {
    name,
    type,
    multiValued: o.multiValued ?? false,
    description,
    required: o.required ?? false,
    ...(textual ? { caseExact: o.caseExact ?? false } : {}),
    ...(o.canonicalValues ? { canonicalValues: o.canonicalValues } : {}),
    ...(type === 'reference' ? { referenceTypes: o.referenceTypes ?? ['external'] } : {}),
    ...(subAttributes ? { subAttributes } : {}),
    mutability: o.mutability ?? 'readWrite',
    returned: o.returned ?? 'default',
    uniqueness: o.uniqueness ?? 'none',
  };
}

export const str = (name: string, description: string, o?: AttrOptions) => attr(name, 'string', description, o);
export const bool = (name: string, description: string, o?: AttrOptions) => attr(name, 'boolean', description, o);
export const ref = (name: string, description: string, o?: AttrOptions) => attr(name, 'reference', description, o);
export const binary = (name: string, description: string, o?: AttrOptions) => attr(name, 'binary', description, o);
export const complex = (name: string, description: string, subs: readonly SchemaAttribute[], o?: AttrOptions) =>
  attr(name, 'complex', description, o, subs);

/**
 * The common shape of multi-valued attributes (RFC 7643 §2.4): value, display, type, primary.
 * `value` may be replaced (e.g. a reference for photos, binary for certificates).
 */
export function typedValues(
  name: string,
  description: string,
  valueAttr: SchemaAttribute,
  types: readonly string[] | undefined,
  o: AttrOptions = {},
): SchemaAttribute {
  const ro = o.mutability === 'readOnly' ? { mutability: 'readOnly' as const } : {};
  return complex(
    name,
    description,
    [
      valueAttr,
      str('display', 'A human-readable name, primarily used for display purposes.', ro),
      str('type', `A label indicating the attribute's function.`, { ...ro, ...(types ? { canonicalValues: types } : {}) }),
      bool('primary', `A Boolean value indicating the 'primary' or preferred attribute value for this attribute.`, ro),
    ],
    { ...o, multiValued: true },
  );
}
