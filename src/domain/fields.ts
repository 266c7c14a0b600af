/**
 * One declaration per field. A `FieldSpec` says what a field accepts (validation with Django
 * REST framework's messages, in `http/api/fields.ts`), what it looks like in the OpenAPI
 * document, where it is stored (`column`), and — through the builders below — its TypeScript
 * type, so validated bodies and stored settings are typed without casts.
 */

export type FieldType = 'string' | 'integer' | 'boolean' | 'uuid' | 'datetime' | 'choice' | 'dict' | 'json' | 'list' | 'url' | 'email' | 'slug';

export interface FieldSpec<T = unknown> {
  type: FieldType;
  required?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  nullable?: boolean;
  allowBlank?: boolean;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  choices?: readonly string[];
  items?: FieldSpec;
  description?: string;
  /** Extra check after type coercion; return a message to reject. */
  check?: (value: never) => string | null;
  /**
   * Storage of a kind's setting: the column in the kind's table (default: the field name);
   * `false` when the value is not a plain column (computed, or kept in another table).
   */
  column?: string | false;
  /** Stored sealed (encrypted at rest) in `<column>_sealed`; never read back into the entity. */
  secret?: boolean;
  /** Stored outside the kind's table by the kind's storage hooks, but part of the entity. */
  external?: boolean;
  /** Stored but not part of the API serializer (e.g. a discovered issuer). */
  internal?: boolean;
  /** A uuid naming another object; the write is refused with DRF's "Invalid pk" when it is missing. */
  ref?: 'flow' | 'keypair';
  /** Exact-match list filter under the field's name (`?name=value`). */
  filter?: boolean;
  /** "" is stored as NULL (optional text fields that authentik keeps nullable). */
  blankIsNull?: boolean;
  /** Type carrier only: never set at run time. */
  readonly __value?: T;
}

export type Serializer = Record<string, FieldSpec>;

/** The TypeScript type a field's value has after validation. */
export type FieldValue<F> = F extends FieldSpec<infer T> ? T : never;

/** A validated request body: any subset of the fields (partial updates, optional fields). */
export type FieldInput<S> = { [K in keyof S]?: FieldValue<S[K]> };

type Computed = { column: false };
type Sealed = { secret: true };

/** What an entity holds of a kind's fields: stored values, without computed fields and secrets. */
export type StoredValues<S> = { [K in keyof S as S[K] extends Computed | Sealed ? never : K]: FieldValue<S[K]> };

/** What a repository write takes: any stored field, secrets included (sealed on the way in). */
export type StoredInput<S> = { [K in keyof S as S[K] extends Computed ? never : K]?: FieldValue<S[K]> };

type Options = Omit<FieldSpec, 'type' | 'choices' | 'items' | '__value'>;
type Nullable<O, T> = O extends { nullable: true } ? T | null : T;

// The options' literal type is kept on the result so `StoredValues` can tell computed and
// secret fields apart at compile time.
function typed<T, O>(type: FieldType, options: O | undefined, extra: Partial<FieldSpec> = {}): FieldSpec<T> & O {
  return { type, ...options, ...extra } as FieldSpec<T> & O;
}

export const field = {
  string: <const O extends Options>(o?: O) => typed<Nullable<O, string>, O>('string', o),
  url: <const O extends Options>(o?: O) => typed<Nullable<O, string>, O>('url', o),
  email: <const O extends Options>(o?: O) => typed<Nullable<O, string>, O>('email', o),
  slug: <const O extends Options>(o?: O) => typed<Nullable<O, string>, O>('slug', o),
  uuid: <const O extends Options>(o?: O) => typed<Nullable<O, string>, O>('uuid', o),
  integer: <const O extends Options>(o?: O) => typed<Nullable<O, number>, O>('integer', o),
  boolean: <const O extends Options>(o?: O) => typed<Nullable<O, boolean>, O>('boolean', o),
  datetime: <const O extends Options>(o?: O) => typed<Nullable<O, Date>, O>('datetime', o),
  dict: <const O extends Options>(o?: O) => typed<Nullable<O, Record<string, unknown>>, O>('dict', o),
  json: <T = unknown, const O extends Options = Options>(o?: O) => typed<T, O>('json', o),
  choice: <const C extends readonly string[], const O extends Options>(choices: C, o?: O) =>
    typed<Nullable<O, C[number]>, O>('choice', o, { choices }),
  list: <I, const O extends Options>(items: FieldSpec<I>, o?: O) => typed<Nullable<O, I[]>, O>('list', o, { items }),
};

/** The fields stored as plain columns of a kind table, with their column names. */
export function columnsOf(fields: Serializer): Array<{ name: string; column: string; spec: FieldSpec }> {
  return Object.entries(fields)
    .filter(([, spec]) => spec.column !== false && !spec.external)
    .map(([name, spec]) => {
      const column = spec.column || name;
      return { name, column: spec.secret ? `${column}_sealed` : column, spec };
    });
}
