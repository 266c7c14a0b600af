/**
 * Validation of objects a request points at (flows, key pairs, property mappings, users,
 * groups, sources) and of source uniqueness. Errors are collected and thrown together, the
 * way DRF reports every failing field at once; a dangling reference is always a 400 naming
 * the field, never a foreign-key 500.
 */
import type { PropertyMappingKind } from '../../domain/entities.js';
import { ValidationError, type FieldErrors } from '../../errors/index.js';
import type { Repositories } from '../../storage/ports.js';

export function invalidPk(pk: unknown): string {
  return `Invalid pk "${String(pk)}" - object does not exist.`;
}

export class FieldErrorCollector {
  readonly errors: FieldErrors = {};
  nonField: string[] = [];

  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  has(field?: string): boolean {
    return field ? field in this.errors : Object.keys(this.errors).length > 0 || this.nonField.length > 0;
  }

  throwIfAny(): void {
    if (this.has()) throw new ValidationError(this.errors, this.nonField);
  }
}

export async function checkFlow(repos: Repositories, errors: FieldErrorCollector, field: string, uuid: string | null | undefined): Promise<void> {
  if (!uuid) return;
  if (!(await repos.flows.byUuid(uuid))) errors.add(field, invalidPk(uuid));
}

export async function checkKeypair(repos: Repositories, errors: FieldErrorCollector, field: string, uuid: string | null | undefined): Promise<void> {
  if (!uuid) return;
  if (!(await repos.keypairs.byUuid(uuid))) errors.add(field, invalidPk(uuid));
}

/** Mappings must exist and be of the source's mapping subclass (DRF's queryset is per subclass). */
export async function checkMappings(
  repos: Repositories,
  errors: FieldErrorCollector,
  field: string,
  uuids: string[] | undefined,
  kind: PropertyMappingKind | null,
): Promise<void> {
  if (!uuids || uuids.length === 0) return;
  const found = new Map((await repos.propertyMappings.byUuids(uuids)).map((m) => [m.uuid, m]));
  const bad = uuids.find((u) => found.get(u)?.kind !== kind);
  if (bad) errors.add(field, invalidPk(bad));
}

/** Slug and name are unique across sources of every kind (one `sources` table). */
export async function checkSourceUnique(
  repos: Repositories,
  errors: FieldErrorCollector,
  input: { name?: string; slug?: string },
  selfUuid: string | null,
): Promise<void> {
  if (input.slug !== undefined) {
    const other = await repos.sources.bySlug(input.slug);
    if (other && other.uuid !== selfUuid) errors.add('slug', 'source with this slug already exists.');
  }
  if (input.name !== undefined) {
    const other = await repos.sources.byName(input.name);
    if (other && other.uuid !== selfUuid) errors.add('name', 'source with this name already exists.');
  }
}
