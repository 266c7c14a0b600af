import { PATCH_OP_MESSAGE } from './constants.js';
import { ScimError } from './errors.js';
import { getCi, isPlainObject } from './json.js';

export type PatchOpName = 'add' | 'remove' | 'replace';

/** One normalised PATCH operation: `op` lower-cased, `path` trimmed or absent. */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: string;
  readonly value?: unknown;
}

/** Upper bound on operations per request: each one re-walks the document. */
export const MAX_PATCH_OPERATIONS = 1000;

/**
 * Validate a PatchOp envelope (RFC 7644 §3.5.2) and normalise its operations. Member names are
 * matched case-insensitively (RFC 7643 §2.1), `op` too — Microsoft Entra ID sends "Add",
 * "Replace", "Remove". Anything malformed → 400 invalidSyntax.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('PATCH body must be a JSON object.');
  const schemas = getCi(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_MESSAGE.toLowerCase())) {
    throw ScimError.invalidSyntax(`"schemas" must contain "${PATCH_OP_MESSAGE}".`);
  }
  const ops = getCi(body, 'Operations');
  if (!Array.isArray(ops) || ops.length === 0) {
    throw ScimError.invalidSyntax('"Operations" must be a non-empty array.');
  }
  if (ops.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.invalidSyntax(`At most ${MAX_PATCH_OPERATIONS} operations are accepted per request.`);
  }
  return ops.map((op, i) => parseOperation(op, i));
}

export function parseOperation(raw: unknown, index = 0): PatchOperation {
  if (!isPlainObject(raw)) throw ScimError.invalidSyntax(`Operation ${index} must be a JSON object.`);
  const name = getCi(raw, 'op');
  const op = typeof name === 'string' ? name.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'remove' && op !== 'replace') {
    throw ScimError.invalidSyntax(`Operation ${index}: "op" must be one of add, remove, replace (got ${JSON.stringify(name ?? null)}).`);
  }
  const path = getCi(raw, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string') {
    throw ScimError.invalidPath(`Operation ${index}: "path" must be a string.`);
  }
  const value = getCi(raw, 'value');
  const trimmed = typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined;
  // RFC 7644 §3.5.2.1/§3.5.2.3: add and replace carry a "value" (null = clear the attribute).
  if (op !== 'remove' && value === undefined) {
    throw ScimError.invalidSyntax(`Operation ${index}: "${op}" needs a "value".`);
  }
  const result: { op: PatchOpName; path?: string; value?: unknown } = { op };
  if (trimmed !== undefined) result.path = trimmed;
  if (value !== undefined) result.value = value;
  return result;
}
