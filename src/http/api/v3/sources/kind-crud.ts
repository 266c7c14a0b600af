/**
 * `/api/v3/sources/<kind>/` for every concrete kind: the serializer, list filters and
 * ordering are derived from the kind's field declarations; the kind module adds computed
 * fields and extra actions.
 */
import { columnsOf, type FieldSpec, type Serializer } from '../../../../domain/fields.js';
import type { ServiceContext } from '../../../../services/context.js';
import {
  createKindSource,
  deleteKindSource,
  getKindSource,
  kindSourceUsedBy,
  listKindSources,
  updateKindSource,
  type KindSourceData,
} from '../../../../services/sources/kind-sources.js';
import { SOURCE_KINDS, type ConcreteKind, type SourceOf } from '../../../../sources/kinds.js';
import type { SourceKindDescriptor } from '../../../../sources/kind.js';
import type { KindSerialize, SourceKindModule } from '../../../../sources/module.js';
import { superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import type { FilterSpec, ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import { BASE_SOURCE_FILTERS, BASE_SOURCE_ORDERING, serializeSource } from './base.js';

function filterType(spec: FieldSpec): FilterSpec['type'] {
  return spec.type === 'boolean' ? 'boolean' : spec.type === 'uuid' ? 'uuid' : spec.type === 'integer' ? 'integer' : 'string';
}

/** The kind's list parameters: the shared source filters it offers plus its own declared ones. */
export function kindListSpec(kind: ConcreteKind): ListSpec {
  const d: SourceKindDescriptor = SOURCE_KINDS[kind];
  const list = d.list;
  const pick = <T>(all: Record<string, T>, names: string[] | undefined) => (names ? Object.fromEntries(names.map((n) => [n, all[n]])) : all);
  const own = Object.entries(d.fields).filter(([, spec]) => spec.filter);
  return {
    filters: {
      ...pick(BASE_SOURCE_FILTERS, list?.baseFilters),
      ...Object.fromEntries(own.map(([name, spec]) => [name, { type: filterType(spec) }])),
      ...Object.fromEntries(Object.entries(list?.filters ?? {}).map(([name, spec]) => [name, { type: filterType(spec) }])),
    },
    // DRF with `ordering_fields` unset: every readable serializer field backed by a model
    // column orders the list (`pk` always does).
    ordering: {
      pk: 'pk',
      ...pick(BASE_SOURCE_ORDERING, list?.baseOrdering),
      ...Object.fromEntries(
        columnsOf(d.fields)
          .filter(({ spec }) => !spec.secret && !spec.writeOnly && !spec.internal)
          .map(({ name }) => [name, name]),
      ),
      ...Object.fromEntries((list?.ordering ?? []).map((n) => [n, n])),
    },
    defaultOrdering: ['name'],
    search: true,
  };
}

/** The kind's serializer: its base fields, then its own (internal ones are never shown). */
export function kindSerializer(kind: ConcreteKind): Serializer {
  const d: SourceKindDescriptor = SOURCE_KINDS[kind];
  return { ...d.baseFields, ...d.fields };
}

/** Renders a page of sources of one kind in its serializer's shape and field order. */
function kindSerializerFn<K extends ConcreteKind>(ctx: ServiceContext, module: SourceKindModule<K>): KindSerialize<K> {
  const shown = Object.entries(kindSerializer(module.kind)).filter(([, spec]) => !spec.writeOnly && !spec.internal);
  return async (req, sources) => {
    const computed = module.computed ? await module.computed(ctx, req, sources) : [];
    return sources.map((s, i) => {
      const values: Record<string, unknown> = {
        ...serializeSource(s),
        group_matching_mode: s.groupMatchingMode,
        ...(s.settings as Record<string, unknown>),
        ...computed[i],
      };
      return Object.fromEntries(shown.map(([name]) => [name, values[name] ?? null]));
    });
  };
}

export function registerKindSourceRoutes<K extends ConcreteKind>(api: ApiRegistry, ctx: ServiceContext, module: SourceKindModule<K>): void {
  const { kind, service } = module;
  const serializer = kindSerializer(kind);
  const serialize = kindSerializerFn(ctx, module);
  module.registerApi?.(api, ctx, serialize);
  registerCrud<SourceOf<K>>(api, {
    basePath: `/sources/${kind}/`,
    lookup: 'slug',
    operationPrefix: `sources_${kind}`,
    tag: 'sources',
    serializer,
    listSpec: kindListSpec(kind),
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listKindSources(ctx, kind, q),
      get: (_req, lookup) => getKindSource(ctx.store.repos, kind, lookup, service),
      create: (_req, data) => createKindSource(ctx, kind, service, data as KindSourceData),
      update: (_req, lookup, data) => updateKindSource(ctx, kind, service, lookup, data as KindSourceData),
      destroy: (_req, lookup) => deleteKindSource(ctx, kind, service, lookup),
      usedBy: (_req, lookup) => kindSourceUsedBy(ctx, kind, service, lookup),
      serialize,
    },
  });
}
