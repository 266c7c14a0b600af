/**
 * authentik duration strings (`timedelta_from_string`): `unit=value;unit=value`, e.g. `days=1`
 * or `hours=3;minutes=1`. Used by SAML `temporary_user_delete_after` and the expiry
 * of transient users.
 *
 * Compatible with what authentik accepts (case-insensitive units, whitespace around keys and
 * values, float values) but stricter where authentik fails late or silently: unknown units,
 * negative/non-finite values, repeated units and empty segments are rejected when parsing.
 */
import { ValidationError } from '../errors/index.js';

export const DURATION_UNITS = ['weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export type Duration = Readonly<Partial<Record<DurationUnit, number>>>;

const UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  weeks: 7 * 86_400_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
  microseconds: 0.001,
};

/** Python's `timedelta.max` is 999999999 days; anything above cannot be stored by authentik. */
const MAX_MS = 999_999_999 * 86_400_000;
const NUMBER = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const HINT = "expected the format 'hours=3;minutes=1'";

/** A malformed duration string. A ValidationError, so an uncaught one still renders as 400. */
export class InvalidDurationError extends ValidationError {
  readonly input: string;
  constructor(input: string, problem: string) {
    super({}, [`Invalid duration: '${input}': ${problem}; ${HINT}.`], 'invalid_duration');
    this.input = input;
  }
}

function isUnit(value: string): value is DurationUnit {
  return (DURATION_UNITS as readonly string[]).includes(value);
}

/** Parses `unit=value;…`. @throws InvalidDurationError */
export function parseDuration(input: string): Duration {
  if (typeof input !== 'string' || input.trim() === '') throw new InvalidDurationError(String(input), 'empty');
  const parts: Partial<Record<DurationUnit, number>> = {};
  for (const segment of input.split(';')) {
    const pieces = segment.split('=');
    if (pieces.length !== 2) throw new InvalidDurationError(input, `'${segment.trim()}' is not unit=value`);
    const unit = (pieces[0] ?? '').trim().toLowerCase();
    const raw = (pieces[1] ?? '').trim();
    if (!isUnit(unit)) throw new InvalidDurationError(input, `unknown unit '${unit}' (use ${DURATION_UNITS.join(', ')})`);
    if (unit in parts) throw new InvalidDurationError(input, `unit '${unit}' given more than once`);
    const value = NUMBER.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value)) throw new InvalidDurationError(input, `'${raw}' is not a non-negative number`);
    parts[unit] = value;
  }
  if (durationToMs(parts) > MAX_MS) throw new InvalidDurationError(input, 'too large');
  return parts;
}

/** Total milliseconds of a parsed duration or a duration string (may be fractional for µs). */
export function durationToMs(duration: Duration | string): number {
  const parts = typeof duration === 'string' ? parseDuration(duration) : duration;
  let total = 0;
  for (const unit of DURATION_UNITS) total += (parts[unit] ?? 0) * UNIT_MS[unit];
  // timedelta resolution is one microsecond.
  return Math.round(total * 1000) / 1000;
}

/**
 * Canonical authentik string for a duration in milliseconds (or a parsed duration), largest
 * units first, zero units omitted: 90061001 → `days=1;hours=1;minutes=1;seconds=1;milliseconds=1`.
 * Weeks are not used (days read better). The result always parses back to the same total.
 */
export function formatDuration(value: number | Duration): string {
  const ms = typeof value === 'number' ? value : durationToMs(value);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Cannot format duration of ${ms} ms`);
  let micros = Math.round(ms * 1000);
  const out: string[] = [];
  for (const unit of ['days', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds'] as const) {
    const size = Math.round(UNIT_MS[unit] * 1000);
    const count = Math.floor(micros / size);
    micros -= count * size;
    if (count > 0) out.push(`${unit}=${count}`);
  }
  return out.length > 0 ? out.join(';') : 'seconds=0';
}

/**
 * API validation for a duration field (e.g. `temporary_user_delete_after`).
 * @returns the duration in milliseconds.
 * @throws ValidationError on `field` with authentik's wording.
 */
export function validateDurationField(field: string, value: string): number {
  try {
    return durationToMs(parseDuration(value));
  } catch (e) {
    if (!(e instanceof InvalidDurationError)) throw e;
    throw ValidationError.field(field, `${value} is not in the correct format of 'hours=3;minutes=1'.`, 'invalid_duration');
  }
}

/** `now + duration`, e.g. the `goauthentik.io/user/expires` time of a transient SAML user. */
export function addDuration(now: Date, duration: Duration | string): Date {
  return new Date(now.getTime() + durationToMs(duration));
}
