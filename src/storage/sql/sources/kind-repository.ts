/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- kind tables and their columns come from the kind descriptors at run time, which Kysely cannot type */
/**
 * One repository for every concrete source kind, driven by the kind's descriptor: the base
 * row lives in `sources`, the kind's declared fields in its 1:1 table keyed by `source_uuid`
 * (column names, sealing of secrets and jsonb encoding all come from the field declarations).
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { columnsOf, type FieldSpec } from '../../../domain/fields.js';
import { NotFoundError } from '../../../errors/index.js';
import type { SecretBox } from '../../../security/secret-box.js';
import { SOURCE_KINDS, type ConcreteKind, type SettingsInput, type SourceOf } from '../../../sources/kinds.js';
import type { SourceKindDescriptor } from '../../../sources/kind.js';
import type { ListQuery, Page } from '../../ports.js';
import type { Database } from '../../schema.js';
import type { KindSourceRepository, Source, SourceBaseInput } from '../../source-ports.js';
import { withConstraints, type ConstraintMessages } from '../errors.js';
import { toJson } from '../json.js';
import { listPage, type FieldMap } from '../list.js';
import { BASE_COLUMNS, SOURCE_CONSTRAINTS, insertBase, updateBase, withMappings, type SourceRow } from './source-rows.js';

const MISSING = 'Invalid pk - object does not exist.';
const isJson = (spec: FieldSpec) => spec.type === 'dict' || spec.type === 'json';

/** What a kind's storage needs from its descriptor, derived once per kind (repositories are made per transaction). */
interface KindStorage {
  d: SourceKindDescriptor;
  table: string;
  columns: ReturnType<typeof columnsOf>;
  listFields: FieldMap;
  constraints: ConstraintMessages;
}

const storageByKind = new Map<ConcreteKind, KindStorage>();

function kindStorage(kind: ConcreteKind): KindStorage {
  let found = storageByKind.get(kind);
  if (found) return found;
  const d: SourceKindDescriptor = SOURCE_KINDS[kind];
  const table = d.table!;
  const columns = columnsOf(d.fields);
  const listFields: FieldMap = {
    columns: {
      ...BASE_COLUMNS,
      ...Object.fromEntries(columns.filter((c) => !c.spec.secret).map((c) => [c.name, `${table}.${c.column}`])),
      ...d.list?.columns,
    },
    search: ['name', 'slug', ...(d.list?.search ?? [])],
    tiebreak: 'sources.pbm_uuid',
  };
  // A reference that vanished between the service's check and the write is a field error.
  const references = columns.filter((c) => c.spec.type === 'uuid').map((c) => [`${table}_${c.column}_fkey`, { field: c.name, message: MISSING }]);
  const constraints = { ...SOURCE_CONSTRAINTS, ...Object.fromEntries(references), ...d.storage?.constraints };
  found = { d, table, columns, listFields, constraints };
  storageByKind.set(kind, found);
  return found;
}

export class SqlKindSourceRepository<K extends ConcreteKind> implements KindSourceRepository<K> {
  private readonly d: SourceKindDescriptor;
  private readonly table: string;
  private readonly columns: ReturnType<typeof columnsOf>;
  private readonly listFields: FieldMap;
  private readonly constraints: ConstraintMessages;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly kind: K,
  ) {
    ({ d: this.d, table: this.table, columns: this.columns, listFields: this.listFields, constraints: this.constraints } = kindStorage(kind));
  }

  // Kind tables are named by the descriptor, so the query is built untyped.
  private select(): SelectQueryBuilder<any, any, SourceRow & Record<string, unknown>> {
    const t = this.table;
    return (this.db as Kysely<any>)
      .selectFrom('sources')
      .innerJoin(t, `${t}.source_uuid`, 'sources.pbm_uuid')
      .selectAll(['sources', t])
      .where('sources.kind', '=', this.kind) as SelectQueryBuilder<any, any, SourceRow & Record<string, unknown>>;
  }

  private async entities(rows: Array<SourceRow & Record<string, unknown>>): Promise<Array<SourceOf<K>>> {
    const external = this.d.storage
      ? await this.d.storage.loadExternal(
          this.db,
          rows.map((r) => r.pbm_uuid),
        )
      : new Map();
    return withMappings(this.db, rows, (row, base: Source) => {
      const settings: Record<string, unknown> = {};
      for (const c of this.columns) if (!c.spec.secret) settings[c.name] = row[c.column] ?? (isJson(c.spec) ? {} : null);
      for (const [name, spec] of Object.entries(this.d.fields)) if (spec.external) settings[name] = external.get(row.pbm_uuid)?.[name] ?? [];
      return { ...base, settings } as SourceOf<K>;
    });
  }

  /** Column values of the kind table for the fields present in `input`. */
  private values(input: Record<string, unknown>): Record<string, unknown> {
    const v: Record<string, unknown> = {};
    for (const c of this.columns) {
      let value = input[c.name];
      if (value === undefined) continue;
      if (c.spec.blankIsNull && value === '') value = null;
      if (c.spec.secret) value = this.box.encrypt(String(value));
      else if (isJson(c.spec)) value = toJson(value);
      v[c.column] = value;
    }
    return v;
  }

  async list(query: ListQuery): Promise<Page<SourceOf<K>>> {
    const page = await listPage(this.select(), this.listFields, query, (row) => row);
    return { items: await this.entities(page.items), total: page.total };
  }

  private async one(column: 'pbm_uuid' | 'slug', value: string): Promise<SourceOf<K> | null> {
    const row = await this.select().where(`sources.${column}`, '=', value).executeTakeFirst();
    return row ? (await this.entities([row]))[0] : null;
  }

  byUuid(uuid: string): Promise<SourceOf<K> | null> {
    return this.one('pbm_uuid', uuid);
  }

  bySlug(slug: string): Promise<SourceOf<K> | null> {
    return this.one('slug', slug);
  }

  async secret(uuid: string, name: string): Promise<string | null> {
    const c = this.columns.find((x) => x.name === name && x.spec.secret);
    if (!c) throw new Error(`${this.d.kind} has no secret field "${name}"`);
    const row = await (this.db as Kysely<any>).selectFrom(this.table).select(c.column).where('source_uuid', '=', uuid).executeTakeFirst();
    return row ? this.box.decrypt(row[c.column]) : null;
  }

  /**
   * A source spans several tables; outside a unit of work, run the writes in a transaction of
   * their own so a failure (e.g. a foreign key) never leaves a half-written source behind.
   */
  private atomic<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return withConstraints(this.constraints, () => (this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn)));
  }

  async create(base: SourceBaseInput, settings: SettingsInput<K>): Promise<SourceOf<K>> {
    const input = settings as Record<string, unknown>;
    const uuid = await this.atomic(async (db) => {
      const id = await insertBase(db, this.kind, base);
      await (db as Kysely<any>)
        .insertInto(this.table)
        .values({ ...this.values(input), source_uuid: id })
        .execute();
      await this.d.storage?.writeExternal(db, id, input);
      return id;
    });
    return (await this.byUuid(uuid))!;
  }

  async update(uuid: string, base: SourceBaseInput, settings: SettingsInput<K>): Promise<SourceOf<K>> {
    const input = settings as Record<string, unknown>;
    await this.atomic(async (db) => {
      if (!(await updateBase(db, uuid, base))) throw NotFoundError.forModel(this.d.model);
      const values = this.values(input);
      if (Object.keys(values).length > 0) await (db as Kysely<any>).updateTable(this.table).set(values).where('source_uuid', '=', uuid).execute();
      await this.d.storage?.writeExternal(db, uuid, input);
    });
    return (await this.byUuid(uuid))!;
  }
}
