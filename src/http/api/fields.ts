/**
 * Request-body validation with Django REST framework's exact messages, and the JSON Schema
 * of each field for the OpenAPI document. One declaration per serializer drives both.
 */
import { canonicalUuid, isUuid } from '../../domain/ids.js';
import type { FieldInput, FieldSpec, Serializer } from '../../domain/fields.js';
import { ValidationError, type FieldErrors } from '../../errors/index.js';
import { INT4_MAX, INT4_MIN } from '../input-guard.js';

export { canonicalUuid, isUuid };
export type { FieldSpec, FieldType, Serializer } from '../../domain/fields.js';

const MESSAGES = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  string: 'Not a valid string.',
  integer: 'A valid integer is required.',
  boolean: 'Must be a valid boolean.',
  uuid: 'Must be a valid UUID.',
  datetime: 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
  url: 'Enter a valid URL.',
  email: 'Enter a valid email address.',
  slug: 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
  notADict: (t: string) => `Expected a dictionary of items but got type "${t}".`,
  notAList: (t: string) => `Expected a list of items but got type "${t}".`,
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  minValue: (n: number) => `Ensure this value is greater than or equal to ${n}.`,
  maxValue: (n: number) => `Ensure this value is less than or equal to ${n}.`,
  choice: (v: unknown) => `"${String(v)}" is not a valid choice.`,
  body: (t: string) => `Invalid data. Expected a dictionary, but got ${t}.`,
};

const SLUG_RE = /^[-a-zA-Z0-9_]+$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'on', 'On', '1', 'y', 'Y', 't', 'T']);
const FALSE = new Set(['false', 'False', 'FALSE', 'no', 'No', 'off', 'Off', '0', 'n', 'N', 'f', 'F']);

/** Python-style type names, as DRF prints them in messages. */
export function pythonType(v: unknown): string {
  if (v === null) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    default:
      return 'dict';
  }
}

export function isValidUrl(v: string): boolean {
  // Django's URLValidator wants scheme://host; WHATWG URL alone accepts "ftp:/host".
  if (!/^(https?|ftps?):\/\/[^\s/?#]/i.test(v)) return false;
  try {
    const u = new URL(v);
    return ['http:', 'https:', 'ftp:', 'ftps:'].includes(u.protocol) && u.hostname.length > 0;
  } catch {
    return false;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; errors: string[] | FieldErrors };

function fail(message: string): Outcome {
  return { ok: false, errors: [message] };
}

export function coerceField(spec: FieldSpec, raw: unknown): Outcome {
  if (raw === null) return spec.nullable ? { ok: true, value: null } : fail(MESSAGES.null);
  let value: unknown = raw;
  switch (spec.type) {
    case 'string':
    case 'url':
    case 'email':
    case 'slug':
    case 'choice': {
      if (typeof raw === 'boolean' || (typeof raw !== 'string' && typeof raw !== 'number')) {
        return fail(spec.type === 'choice' ? MESSAGES.choice(JSON.stringify(raw)) : MESSAGES.string);
      }
      const s = String(raw);
      const trimmed = spec.type === 'choice' ? s : s.trim();
      if (trimmed === '') {
        if (spec.type === 'choice') return spec.allowBlank ? { ok: true, value: '' } : fail(MESSAGES.choice(''));
        return spec.allowBlank ? { ok: true, value: '' } : fail(MESSAGES.blank);
      }
      if (spec.maxLength !== undefined && trimmed.length > spec.maxLength) return fail(MESSAGES.maxLength(spec.maxLength));
      if (spec.type === 'slug' && !SLUG_RE.test(trimmed)) return fail(MESSAGES.slug);
      if (spec.type === 'url' && !isValidUrl(trimmed)) return fail(MESSAGES.url);
      if (spec.type === 'email' && !EMAIL_RE.test(trimmed)) return fail(MESSAGES.email);
      if (spec.type === 'choice' && !spec.choices!.includes(trimmed)) return fail(MESSAGES.choice(trimmed));
      value = trimmed;
      break;
    }
    case 'integer': {
      const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n) || typeof raw === 'boolean') return fail(MESSAGES.integer);
      // Integer fields are int4 columns: like Django's IntegerField, bounded by default.
      const [min, max] = [spec.minValue ?? INT4_MIN, spec.maxValue ?? INT4_MAX];
      if (n < min) return fail(MESSAGES.minValue(min));
      if (n > max) return fail(MESSAGES.maxValue(max));
      value = n;
      break;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') value = raw;
      else if (raw === 1 || (typeof raw === 'string' && TRUE.has(raw))) value = true;
      else if (raw === 0 || (typeof raw === 'string' && FALSE.has(raw))) value = false;
      else return fail(MESSAGES.boolean);
      break;
    }
    case 'uuid': {
      if (!isUuid(raw)) return fail(typeof raw === 'string' ? `“${raw}” is not a valid UUID.` : MESSAGES.uuid);
      value = canonicalUuid(raw);
      break;
    }
    case 'datetime': {
      if (typeof raw !== 'string' || !DATETIME_RE.test(raw) || Number.isNaN(Date.parse(raw))) return fail(MESSAGES.datetime);
      value = new Date(raw);
      break;
    }
    case 'dict': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return fail(MESSAGES.notADict(pythonType(raw)));
      break;
    }
    case 'json':
      break;
    case 'list': {
      if (!Array.isArray(raw)) return fail(MESSAGES.notAList(pythonType(raw)));
      const out: unknown[] = [];
      const errors: FieldErrors = {};
      raw.forEach((item, i) => {
        const r = coerceField(spec.items!, item);
        if (r.ok) out.push(r.value);
        else errors[String(i)] = Array.isArray(r.errors) ? r.errors : Object.values(r.errors).flat();
      });
      // DRF reports the first failing item's message for primitive child lists.
      const firstError = Object.values(errors)[0];
      if (firstError) return fail(firstError[0]);
      value = out;
      break;
    }
  }
  if (spec.check) {
    const message = (spec.check as (v: unknown) => string | null)(value);
    if (message) return fail(message);
  }
  return { ok: true, value };
}

export type ValidationMode = 'create' | 'update' | 'partial';

/**
 * Validates a request body against a serializer. Unknown and read-only keys are ignored
 * (DRF semantics); `partial` skips required checks for absent fields.
 */
export function validateBody<S extends Serializer>(serializer: S, body: unknown, mode: ValidationMode): FieldInput<S> {
  if (body === undefined || body === null || body === '') body = {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError({}, [MESSAGES.body(pythonType(body))]);
  }
  const input = body as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const [name, spec] of Object.entries(serializer)) {
    if (spec.readOnly || spec.internal) continue;
    if (!(name in input) || input[name] === undefined) {
      if (spec.required && mode !== 'partial') errors[name] = [MESSAGES.required];
      continue;
    }
    const r = coerceField(spec, input[name]);
    if (r.ok) values[name] = r.value;
    else errors[name] = Array.isArray(r.errors) ? r.errors : Object.values(r.errors).flat();
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return values as FieldInput<S>;
}

/** JSON Schema of one field, as the OpenAPI document shows it. */
export function fieldSchema(spec: FieldSpec): Record<string, unknown> {
  const base: Record<string, unknown> = (() => {
    switch (spec.type) {
      case 'integer':
        return { type: 'integer' };
      case 'boolean':
        return { type: 'boolean' };
      case 'uuid':
        return { type: 'string', format: 'uuid' };
      case 'datetime':
        return { type: 'string', format: 'date-time' };
      case 'choice':
        return { type: 'string', enum: [...spec.choices!] };
      case 'dict':
        return { type: 'object', additionalProperties: {} };
      case 'json':
        return {};
      case 'list':
        return { type: 'array', items: fieldSchema(spec.items!) };
      case 'url':
        return { type: 'string', format: 'uri' };
      case 'email':
        return { type: 'string', format: 'email' };
      case 'slug':
        return { type: 'string', pattern: '^[-a-zA-Z0-9_]+$' };
      default:
        return { type: 'string' };
    }
  })();
  if (spec.maxLength !== undefined) base.maxLength = spec.maxLength;
  if (spec.nullable) base.nullable = true;
  if (spec.readOnly) base.readOnly = true;
  if (spec.writeOnly) base.writeOnly = true;
  if (spec.description) base.description = spec.description;
  return base;
}

/** Request and response schemas for a serializer (the response omits write-only fields). */
export function serializerSchemas(serializer: Serializer): { request: object; response: object } {
  const reqProps: Record<string, unknown> = {};
  const reqRequired: string[] = [];
  const resProps: Record<string, unknown> = {};
  const resRequired: string[] = [];
  for (const [name, spec] of Object.entries(serializer)) {
    if (spec.internal) continue;
    if (!spec.readOnly) {
      reqProps[name] = fieldSchema(spec);
      if (spec.required) reqRequired.push(name);
    }
    if (!spec.writeOnly) {
      resProps[name] = fieldSchema(spec);
      if (spec.readOnly || spec.required) resRequired.push(name);
    }
  }
  return {
    request: { type: 'object', properties: reqProps, ...(reqRequired.length ? { required: reqRequired } : {}) },
    response: { type: 'object', properties: resProps, ...(resRequired.length ? { required: resRequired } : {}) },
  };
}
