import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Flow, FlowDesignation } from '../../domain/entities.js';
import { NotFoundError } from '../../errors/index.js';
import type { Database, FlowsTable } from '../schema.js';
import type { FlowRepository, ListQuery, NewFlow, Page } from '../ports.js';
import { withConstraints } from './errors.js';
import { listPage, type FieldMap } from './list.js';

const FIELDS: FieldMap = {
  columns: {
    pk: 'flows.flow_uuid',
    flow_uuid: 'flows.flow_uuid',
    slug: 'flows.slug',
    name: 'flows.name',
    title: 'flows.title',
    designation: 'flows.designation',
    authentication: 'flows.authentication',
    denied_action: 'flows.denied_action',
  },
  search: ['slug', 'name', 'title', 'designation'],
  tiebreak: 'flows.flow_uuid',
};

const CONSTRAINTS = {
  flows_slug_key: { field: 'slug', message: 'flow with this slug already exists.' },
  flows_managed_key: { field: 'managed', message: 'flow with this managed already exists.' },
};

function toFlow(row: Selectable<FlowsTable>): Flow {
  return {
    uuid: row.flow_uuid,
    slug: row.slug,
    name: row.name,
    title: row.title,
    designation: row.designation as FlowDesignation,
    authentication: row.authentication,
    layout: row.layout,
    deniedAction: row.denied_action,
    policyEngineMode: row.policy_engine_mode,
    compatibilityMode: row.compatibility_mode,
    background: row.background,
    managed: row.managed,
  };
}

function columns(input: Partial<NewFlow>): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  if (input.slug !== undefined) v.slug = input.slug;
  if (input.name !== undefined) v.name = input.name;
  if (input.title !== undefined) v.title = input.title;
  if (input.designation !== undefined) v.designation = input.designation;
  if (input.authentication !== undefined) v.authentication = input.authentication;
  if (input.layout !== undefined) v.layout = input.layout;
  if (input.deniedAction !== undefined) v.denied_action = input.deniedAction;
  if (input.policyEngineMode !== undefined) v.policy_engine_mode = input.policyEngineMode;
  if (input.compatibilityMode !== undefined) v.compatibility_mode = input.compatibilityMode;
  if (input.background !== undefined) v.background = input.background;
  if (input.managed !== undefined) v.managed = input.managed;
  return v;
}

export class SqlFlowRepository implements FlowRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(query: ListQuery): Promise<Page<Flow>> {
    return listPage(this.db.selectFrom('flows').selectAll(), FIELDS, query, toFlow);
  }

  async bySlug(slug: string): Promise<Flow | null> {
    const row = await this.db.selectFrom('flows').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row ? toFlow(row) : null;
  }

  async byUuid(uuid: string): Promise<Flow | null> {
    const row = await this.db.selectFrom('flows').selectAll().where('flow_uuid', '=', uuid).executeTakeFirst();
    return row ? toFlow(row) : null;
  }

  create(input: NewFlow): Promise<Flow> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('flows')
        .values(columns(input) as Insertable<FlowsTable>)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toFlow(row);
    });
  }

  update(uuid: string, patch: Partial<NewFlow>): Promise<Flow> {
    return withConstraints(CONSTRAINTS, async () => {
      const values = columns(patch);
      if (Object.keys(values).length === 0) {
        const current = await this.byUuid(uuid);
        if (!current) throw NotFoundError.forModel('Flow');
        return current;
      }
      const row = await this.db.updateTable('flows').set(values).where('flow_uuid', '=', uuid).returningAll().executeTakeFirst();
      if (!row) throw NotFoundError.forModel('Flow');
      return toFlow(row);
    });
  }

  async delete(uuid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('flows').where('flow_uuid', '=', uuid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
