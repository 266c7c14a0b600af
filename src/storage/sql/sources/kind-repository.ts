/**
 * One implementation of list/get/create/update for every concrete source kind: the base row
 * lives in `sources`, the kind's columns in a 1:1 table keyed by `source_uuid`. Each kind
 * supplies a small config (columns, row → entity, input → column values).
 */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../../errors/index.js';
import type { ListQuery, Page } from '../../ports.js';
import type { Database } from '../../schema.js';
import type { KindSourceRepository, Source, SourceBaseInput, SourceKind } from '../../source-ports.js';
import { withConstraints, type ConstraintMessages } from '../errors.js';
import { listPage, type FieldMap } from '../list.js';
import { SOURCE_CONSTRAINTS, insertBase, updateBase, withMappings, type SourceRow } from './source-rows.js';

export type KindTable = 'oauth_sources' | 'saml_sources' | 'scim_sources';

export interface KindConfig<S extends Source, I> {
  kind: SourceKind;
  table: KindTable;
  model: string;
  /** Kind-specific list fields (in addition to the base ones). */
  fields: FieldMap;
  toEntity(row: any, base: Source, extra: Map<string, unknown>): S;
  /** Column values for the kind table; only keys present in the input. */
  values(input: I): Record<string, unknown>;
  /** Per-row extra data loaded for a page (e.g. SAML's extra verification certificates). */
  loadExtra?(db: Kysely<Database>, uuids: string[]): Promise<Map<string, unknown>>;
  /** Writes that do not live in the kind table. */
  afterWrite?(db: Kysely<Database>, uuid: string, input: I): Promise<void>;
  constraints?: ConstraintMessages;
}

export class SqlKindSourceRepository<S extends Source, I> implements KindSourceRepository<S, I> {
  constructor(
    protected readonly db: Kysely<Database>,
    private readonly cfg: KindConfig<S, I>,
  ) {}

  private select(): any {
    const table: string = this.cfg.table;
    return (this.db as Kysely<any>)
      .selectFrom('sources')
      .innerJoin(table, `${table}.source_uuid`, 'sources.pbm_uuid')
      .selectAll(['sources', table])
      .where('sources.kind', '=', this.cfg.kind);
  }

  private async entities(rows: SourceRow[]): Promise<S[]> {
    const extra = this.cfg.loadExtra ? await this.cfg.loadExtra(this.db, rows.map((r) => r.pbm_uuid)) : new Map<string, unknown>();
    return withMappings(this.db, rows, (row, base) => this.cfg.toEntity(row, base, extra));
  }

  async list(query: ListQuery): Promise<Page<S>> {
    const page = await listPage(this.select(), this.cfg.fields, query, (row: SourceRow) => row);
    return { items: await this.entities(page.items), total: page.total };
  }

  private async one(column: 'pbm_uuid' | 'slug', value: string): Promise<S | null> {
    const row = await this.select().where(`sources.${column}`, '=', value).executeTakeFirst();
    return row ? (await this.entities([row]))[0] : null;
  }

  byUuid(uuid: string): Promise<S | null> {
    return this.one('pbm_uuid', uuid);
  }

  bySlug(slug: string): Promise<S | null> {
    return this.one('slug', slug);
  }

  private constraints(): ConstraintMessages {
    return { ...SOURCE_CONSTRAINTS, ...this.cfg.constraints };
  }

  /**
   * A source spans several tables; outside a unit of work, run the writes in a transaction of
   * their own so a failure (e.g. a foreign key) never leaves a half-written source behind.
   */
  private atomic<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return withConstraints(this.constraints(), () => (this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn)));
  }

  create(base: SourceBaseInput, settings: I): Promise<S> {
    return this.atomic(async (db) => {
      const uuid = await insertBase(db, this.cfg.kind, base);
      await (db as Kysely<any>)
        .insertInto(this.cfg.table)
        .values({ ...this.cfg.values(settings), source_uuid: uuid })
        .execute();
      await this.cfg.afterWrite?.(db, uuid, settings);
      return uuid;
    }).then(async (uuid) => (await this.byUuid(uuid))!);
  }

  update(uuid: string, base: SourceBaseInput, settings: I): Promise<S> {
    return this.atomic(async (db) => {
      if (!(await updateBase(db, uuid, base))) throw NotFoundError.forModel(this.cfg.model);
      const values = this.cfg.values(settings);
      if (Object.keys(values).length > 0) {
        await (db as Kysely<any>).updateTable(this.cfg.table).set(values).where('source_uuid', '=', uuid).execute();
      }
      await this.cfg.afterWrite?.(db, uuid, settings);
    }).then(async () => (await this.byUuid(uuid))!);
  }
}
