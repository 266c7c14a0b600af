/** Identifier parsing shared by every layer (path parameters and bodies arrive as strings). */

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}

/** The canonical lowercase, hyphenated form of a UUID already checked with `isUuid`. */
export function canonicalUuid(v: string): string {
  const hex = v.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Canonical UUID, or null when `v` is not one (so no invalid cast ever reaches SQL). */
export function asUuid(v: string): string | null {
  return isUuid(v) ? canonicalUuid(v) : null;
}

/** A positive 32-bit integer id (PostgreSQL `integer`), or null. */
export function asIntId(v: string | number): number | null {
  const n = typeof v === 'number' ? v : /^\d{1,10}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : null;
}
