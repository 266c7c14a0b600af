/**
 * What a source kind is, as data: its names in authentik 2024.8, the fields of its own
 * table (one declaration drives validation, types, columns and the OpenAPI document), its
 * property-mapping and connection models, and how its list is filtered. Each kind declares
 * one of these in `sources/<kind>/kind.ts`; `sources/kinds.ts` lists them all.
 */
import type { Kysely } from 'kysely';
import type { FieldSpec, Serializer, StoredInput, StoredValues } from '../domain/fields.js';

/** authentik's model names of a property-mapping subclass. */
export interface MappingModel {
  component: string;
  verboseName: string;
  verboseNamePlural: string;
  app: string;
  modelName: string;
  model: string;
}

/** authentik's user/group connection model names of a kind (`used_by`, connection endpoints). */
export interface ConnectionModels {
  user: { model: string; modelName: string };
  /** null: the kind has user connections only. */
  group: { model: string; modelName: string } | null;
  /** The user connection serializer also shows OAuth-style token expiry. */
  tokens?: boolean;
}

export interface SourceKindDescriptor<F extends Serializer = Serializer> {
  /** `sources.kind`, the URL segment (`/sources/<kind>/`) and the mapping kind. */
  kind: string;
  /** Model name in 404 messages (`No SAMLSource matches the given query.`). */
  model: string;
  component: string;
  verboseName: string;
  verboseNamePlural: string;
  app: string;
  modelName: string;
  description: string;
  iconUrl: string | null;
  /** The base Source fields this kind's serializer shows (authentik's per-kind serializers differ). */
  baseFields: Serializer;
  /** This kind's own settings, stored in `table` (one column per field unless `column: false`). */
  fields: F;
  table: string | null;
  mapping: MappingModel | null;
  connections: ConnectionModels | null;
  /** User-settings entry component, for kinds a user can connect from the settings page. */
  userSettingsComponent: string | null;
  /** Public path a user visits to sign in or connect: `/source/oauth/login/<slug>/`. */
  loginPath: ((slug: string) => string) | null;
  storage?: KindStorageHooks;
  /** List extras beyond the declared fields: computed SQL columns, their filter types, search. */
  list?: {
    columns?: Record<string, string>;
    filters?: Record<string, FieldSpec>;
    ordering?: string[];
    search?: string[];
    /** The shared source filters/orderings this kind's list offers (default: all of them). */
    baseFilters?: string[];
    baseOrdering?: string[];
  };
}

/** The settings a source of this kind holds, typed from its fields. */
export type SettingsOf<D> = D extends { fields: infer F } ? StoredValues<F> : never;

/** The settings a repository write of this kind takes. */
export type SettingsInputOf<D> = D extends { fields: infer F } ? StoredInput<F> : never;

/**
 * Storage a kind needs beyond one row in its table (e.g. SAML's extra verification
 * certificates): loaded per page, written after the row. SQL lives in `sources/<kind>/sql/`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a kind's extra tables are not in the core schema type
type AnyDatabase = Kysely<any>;

export interface KindStorageHooks {
  /** Values of `external` fields for a page of sources, by source uuid. */
  loadExternal(db: AnyDatabase, uuids: string[]): Promise<Map<string, Record<string, unknown>>>;
  writeExternal(db: AnyDatabase, uuid: string, input: Record<string, unknown>): Promise<void>;
  /** Constraint name → field error, for races the service checks cannot see. */
  constraints?: Record<string, { field: string; message: string }>;
  /**
   * `used_by` of a flow or key pair: the kind's own columns and tables that reference it, with
   * what their `ON DELETE` does, capped at `limit` per relation.
   */
  referencing?(db: AnyDatabase, target: ReferenceTarget, limit: number): Promise<KindReference[]>;
}

/** An object other tables point at: a flow or a certificate key pair. */
export type ReferenceTarget = { flow: string } | { keypair: string };

/** A source of a kind that references a target, and what deleting the target does to it. */
export interface KindReference {
  sourceUuid: string;
  sourceName: string;
  action: 'cascade' | 'cascade_many' | 'set_null';
}

/** authentik names every source property-mapping model after its kind the same way. */
export function sourceMappingModel(kind: string, label: string): MappingModel {
  return {
    component: `ak-property-mapping-source-${kind}-form`,
    verboseName: `${label} Source Property Mapping`,
    verboseNamePlural: `${label} Source Property Mappings`,
    app: `authentik_sources_${kind}`,
    modelName: `${kind}sourcepropertymapping`,
    model: `${label}SourcePropertyMapping`,
  };
}
