/** Lookup parsing shared by the source use cases (path parameters arrive as strings). */

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Canonical lowercase hyphenated UUID, or null when `v` is not one. */
export function asUuid(v: string): string | null {
  if (!UUID_RE.test(v)) return null;
  const hex = v.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A positive 32-bit integer id (PostgreSQL `integer`), or null. */
export function asIntId(v: string | number): number | null {
  const n = typeof v === 'number' ? v : /^\d{1,10}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : null;
}
