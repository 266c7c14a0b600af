import type { Kysely, Selectable } from 'kysely';
import type { Keypair } from '../../domain/entities.js';
import { NotFoundError } from '../../errors/index.js';
import type { SecretBox } from '../../security/secret-box.js';
import type { Database, KeypairsTable } from '../schema.js';
import type { KeypairRepository, ListQuery, NewKeypair, Page } from '../ports.js';
import { withConstraints } from './errors.js';
import { listPage, type FieldMap } from './list.js';

const FIELDS: FieldMap = {
  columns: {
    pk: 'keypairs.kp_uuid',
    kp_uuid: 'keypairs.kp_uuid',
    name: 'keypairs.name',
    managed: 'keypairs.managed',
    has_key: '(keypairs.key_sealed IS NOT NULL)',
  },
  search: ['name'],
  tiebreak: 'keypairs.kp_uuid',
};

const CONSTRAINTS = {
  keypairs_name_key: { field: 'name', message: 'certificate-key pair with this name already exists.' },
  keypairs_managed_key: { field: 'managed', message: 'certificate-key pair with this managed already exists.' },
};

function toKeypair(row: Selectable<KeypairsTable>): Keypair {
  return {
    uuid: row.kp_uuid,
    name: row.name,
    certificateData: row.certificate_data,
    hasPrivateKey: row.key_sealed !== null,
    managed: row.managed,
  };
}

export class SqlKeypairRepository implements KeypairRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  list(query: ListQuery): Promise<Page<Keypair>> {
    return listPage(this.db.selectFrom('keypairs').selectAll(), FIELDS, query, toKeypair);
  }

  async byUuid(uuid: string): Promise<Keypair | null> {
    const row = await this.db.selectFrom('keypairs').selectAll().where('kp_uuid', '=', uuid).executeTakeFirst();
    return row ? toKeypair(row) : null;
  }

  async privateKey(uuid: string): Promise<string | null> {
    const row = await this.db.selectFrom('keypairs').select('key_sealed').where('kp_uuid', '=', uuid).executeTakeFirst();
    return this.box.decryptNullable(row?.key_sealed);
  }

  create(input: NewKeypair): Promise<Keypair> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('keypairs')
        .values({
          name: input.name,
          certificate_data: input.certificateData,
          key_sealed: this.box.encryptNullable(input.keyData),
          managed: input.managed ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toKeypair(row);
    });
  }

  update(uuid: string, patch: Partial<NewKeypair>): Promise<Keypair> {
    return withConstraints(CONSTRAINTS, async () => {
      const values: Record<string, unknown> = {};
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.certificateData !== undefined) values.certificate_data = patch.certificateData;
      if (patch.keyData !== undefined) values.key_sealed = this.box.encryptNullable(patch.keyData);
      if (patch.managed !== undefined) values.managed = patch.managed;
      if (Object.keys(values).length === 0) {
        const current = await this.byUuid(uuid);
        if (!current) throw NotFoundError.forModel('CertificateKeyPair');
        return current;
      }
      const row = await this.db.updateTable('keypairs').set(values).where('kp_uuid', '=', uuid).returningAll().executeTakeFirst();
      if (!row) throw NotFoundError.forModel('CertificateKeyPair');
      return toKeypair(row);
    });
  }

  async delete(uuid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('keypairs').where('kp_uuid', '=', uuid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
