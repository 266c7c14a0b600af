/**
 * Turns list query parameters into a ListQuery and a page into authentik's pagination
 * envelope, with Django's paginator numbers (empty list = page 1 of 1, start/end 0).
 */
import { NotFoundError, ValidationError } from '../../errors/index.js';
import type { FilterValue, ListQuery, Page } from '../../storage/ports.js';
import { INT4_MAX, INT4_MIN } from '../input-guard.js';
import { canonicalUuid, isUuid } from './fields.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface FilterSpec {
  /** `json`: a JSON object of `key: value` matches (authentik's `attributes` filter), passed on as text. */
  type: 'string' | 'integer' | 'boolean' | 'uuid' | 'json' | 'datetime';
  /** Repository field name when it differs from the query parameter. */
  field?: string;
  /** Repeated parameter (`?groups_by_pk=a&groups_by_pk=b`) → IN (...). */
  multi?: boolean;
  /** ModelChoiceFilter semantics: a value that is not a valid pk is a choice error. */
  choice?: boolean;
}

export interface ListSpec {
  filters: Record<string, FilterSpec>;
  /** Orderable parameter names → repository field names. */
  ordering: Record<string, string>;
  defaultOrdering: string[];
  search: boolean;
}

export type Query = Record<string, string | string[] | undefined>;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function filterValue(name: string, spec: FilterSpec, raw: string): FilterValue {
  const choiceError = 'Select a valid choice. That choice is not one of the available choices.';
  switch (spec.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(raw.trim())) throw ValidationError.field(name, spec.choice ? choiceError : 'Enter a whole number.');
      const n = Number(raw);
      // Every integer column filtered on is an int4: a value outside its range never reaches SQL.
      // ModelChoiceFilter: no such object; NumberFilter: Django's IntegerField range messages.
      if (n > INT4_MAX) throw ValidationError.field(name, spec.choice ? choiceError : `Ensure this value is less than or equal to ${INT4_MAX}.`);
      if (n < INT4_MIN) throw ValidationError.field(name, spec.choice ? choiceError : `Ensure this value is greater than or equal to ${INT4_MIN}.`);
      return n;
    }
    case 'boolean':
      if (['true', 'True', '1'].includes(raw)) return true;
      if (['false', 'False', '0'].includes(raw)) return false;
      throw ValidationError.field(name, `Select a valid choice. ${raw} is not one of the available choices.`);
    case 'uuid':
      if (!isUuid(raw)) throw ValidationError.field(name, spec.choice ? choiceError : 'Enter a valid UUID.');
      return canonicalUuid(raw);
    case 'datetime': {
      // Django's DateTimeField input: an ISO 8601 date and time (a date alone is midnight).
      const t = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw.trim())
        ? Date.parse(raw.trim().replace(' ', 'T'))
        : NaN;
      if (Number.isNaN(t)) throw ValidationError.field(name, 'Enter a valid date/time.');
      return new Date(t).toISOString();
    }
    case 'json': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw ValidationError.field(name, 'filter: failed to parse JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw ValidationError.field(name, 'filter: value must be key:value mapping');
      return raw;
    }
    default:
      return raw;
  }
}

/**
 * authentik's `include_users` / `include_groups` switches: on unless the parameter is given and
 * is not `true` (compared case-insensitively); when off the nested objects are answered as null.
 */
export function includeFlag(q: unknown, name: string): boolean {
  const raw = first((q as Query | undefined)?.[name]);
  return raw === undefined || raw.toLowerCase() === 'true';
}

export interface ParsedList {
  query: ListQuery;
  page: number | 'last';
  pageSize: number;
}

export function parseListQuery(spec: ListSpec, q: Query): ParsedList {
  const filters: ListQuery['filters'] = [];
  for (const [name, fs] of Object.entries(spec.filters)) {
    const raw = q[name];
    if (raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== '');
    if (values.length === 0) continue; // django-filter ignores empty values
    const field = fs.field ?? name;
    if (fs.multi) filters.push({ field, value: values.map((v) => filterValue(name, fs, v)) });
    else filters.push({ field, value: filterValue(name, fs, values[values.length - 1]) });
  }

  // DRF's OrderingFilter silently drops terms that are not orderable; when none is left the
  // view's default ordering applies.
  const toOrdering = (terms: string[]): ListQuery['ordering'] =>
    terms.flatMap((term) => {
      const desc = term.startsWith('-');
      const name = desc ? term.slice(1) : term;
      return Object.hasOwn(spec.ordering, name) ? [{ field: spec.ordering[name], desc }] : [];
    });
  const rawOrdering = first(q.ordering);
  const requested = rawOrdering
    ? toOrdering(
        rawOrdering
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      )
    : [];
  const ordering = requested.length > 0 ? requested : toOrdering(spec.defaultOrdering);

  const search = spec.search ? first(q.search)?.trim() || null : null;

  // DRF: an invalid or non-positive page_size silently falls back to the default; larger caps at max.
  let pageSize = DEFAULT_PAGE_SIZE;
  const rawSize = first(q.page_size);
  if (rawSize !== undefined && /^\d+$/.test(rawSize) && Number(rawSize) > 0) pageSize = Math.min(Number(rawSize), MAX_PAGE_SIZE);

  let page: number | 'last' = 1;
  const rawPage = first(q.page);
  if (rawPage !== undefined && rawPage !== '') {
    if (rawPage === 'last') page = 'last';
    else if (/^\d+$/.test(rawPage) && Number(rawPage) >= 1) page = Number(rawPage);
    else throw new NotFoundError('Invalid page.');
  }
  const offset = page === 'last' ? 0 : (page - 1) * pageSize;
  return { query: { filters, search, ordering, offset, limit: pageSize }, page, pageSize };
}

/** Runs a list with page semantics identical to Django's paginator (incl. `page=last`). */
export async function fetchPage<T>(parsed: ParsedList, run: (query: ListQuery) => Promise<Page<T>>): Promise<{ page: Page<T>; number: number }> {
  if (parsed.page === 'last') {
    const probe = await run({ ...parsed.query, offset: 0, limit: 1 });
    const last = Math.max(1, Math.ceil(probe.total / parsed.pageSize));
    const page = await run({ ...parsed.query, offset: (last - 1) * parsed.pageSize });
    return { page, number: last };
  }
  const page = await run(parsed.query);
  if (parsed.page > 1 && parsed.query.offset >= page.total) throw new NotFoundError('Invalid page.');
  return { page, number: parsed.page };
}

export interface PaginatedBody<R> {
  pagination: {
    next: number;
    previous: number;
    count: number;
    current: number;
    total_pages: number;
    start_index: number;
    end_index: number;
  };
  results: R[];
}

export function paginated<R>(total: number, number: number, pageSize: number, results: R[]): PaginatedBody<R> {
  const totalPages = Math.max(1, Math.ceil(total / pageSize));
  return {
    pagination: {
      next: number < totalPages ? number + 1 : 0,
      previous: number > 1 ? number - 1 : 0,
      count: total,
      current: number,
      total_pages: totalPages,
      start_index: total === 0 ? 0 : (number - 1) * pageSize + 1,
      end_index: number === totalPages ? total : number * pageSize,
    },
    results,
  };
}
