import { timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Token, TokenIntent, User } from '../../domain/entities.js';
import { NotFoundError } from '../../errors/index.js';
import type { SecretBox } from '../../security/secret-box.js';
import type { Database, TokensTable } from '../schema.js';
import type { ListQuery, NewToken, Page, TokenRepository } from '../ports.js';
import { withConstraints } from './errors.js';
import { listPage, type FieldMap } from './list.js';
import { superuserIdsSql, toUser } from './users.js';

const FIELDS: FieldMap = {
  columns: {
    pk: 'tokens.token_uuid',
    identifier: 'tokens.identifier',
    intent: 'tokens.intent',
    user: 'tokens.user_id',
    user__username: 'users.username',
    description: 'tokens.description',
    expires: 'tokens.expires',
    expiring: 'tokens.expiring',
    managed: 'tokens.managed',
  },
  search: ['identifier', 'intent', 'user__username', 'description'],
  tiebreak: 'tokens.identifier',
};

const CONSTRAINTS = {
  tokens_identifier_key: { field: 'identifier', message: 'token with this identifier already exists.' },
  tokens_key_digest_key: { field: 'key', message: 'token with this key already exists.' },
  tokens_managed_key: { field: 'managed', message: 'token with this managed already exists.' },
  tokens_user_id_fkey: { field: 'user', message: 'Invalid pk - object does not exist.' },
};

function toToken(row: Selectable<TokensTable>): Token {
  return {
    uuid: row.token_uuid,
    identifier: row.identifier,
    intent: row.intent as TokenIntent,
    userId: row.user_id,
    description: row.description,
    expiring: row.expiring,
    expires: row.expires,
    managed: row.managed,
  };
}

export class SqlTokenRepository implements TokenRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  list(query: ListQuery): Promise<Page<Token>> {
    const qb = this.db.selectFrom('tokens').innerJoin('users', 'users.id', 'tokens.user_id').selectAll('tokens');
    return listPage(qb, FIELDS, query, toToken);
  }

  async byIdentifier(identifier: string): Promise<Token | null> {
    const row = await this.db.selectFrom('tokens').selectAll().where('identifier', '=', identifier).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async byUuid(uuid: string): Promise<Token | null> {
    const row = await this.db.selectFrom('tokens').selectAll().where('token_uuid', '=', uuid).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async byManaged(managed: string): Promise<Token | null> {
    const row = await this.db.selectFrom('tokens').selectAll().where('managed', '=', managed).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async authenticate(key: string): Promise<{ token: Token; user: User; isSuperuser: boolean } | null> {
    const digest = this.box.lookupDigest(key);
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .selectAll('users')
      .select([
        'tokens.token_uuid',
        'tokens.identifier',
        'tokens.key_digest',
        'tokens.intent',
        'tokens.description',
        'tokens.expiring',
        'tokens.expires',
        'tokens.managed',
        'tokens.user_id',
        sql<boolean>`users.id IN (${superuserIdsSql()})`.as('is_superuser'),
      ])
      .where('tokens.key_digest', '=', digest)
      .executeTakeFirst();
    if (!row) return null;
    // The index lookup already matched the full digest; compare again in constant time anyway.
    const a = Buffer.from(row.key_digest, 'hex');
    const b = Buffer.from(digest, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const token = toToken({ ...row, key_sealed: '', created: new Date(0) });
    return { token, user: toUser(row), isSuperuser: row.is_superuser };
  }

  async viewKey(identifier: string): Promise<string | null> {
    const row = await this.db.selectFrom('tokens').select('key_sealed').where('identifier', '=', identifier).executeTakeFirst();
    return row ? this.box.decrypt(row.key_sealed) : null;
  }

  create(input: NewToken): Promise<Token> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('tokens')
        .values({
          identifier: input.identifier,
          key_digest: this.box.lookupDigest(input.key),
          key_sealed: this.box.encrypt(input.key),
          intent: input.intent,
          user_id: input.userId,
          description: input.description ?? '',
          expiring: input.expiring ?? true,
          expires: input.expires ?? null,
          managed: input.managed ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toToken(row);
    });
  }

  update(identifier: string, patch: Partial<Omit<NewToken, 'key'>> & { key?: string }): Promise<Token> {
    return withConstraints(CONSTRAINTS, async () => {
      const values: Record<string, unknown> = {};
      if (patch.identifier !== undefined) values.identifier = patch.identifier;
      if (patch.key !== undefined) {
        values.key_digest = this.box.lookupDigest(patch.key);
        values.key_sealed = this.box.encrypt(patch.key);
      }
      if (patch.intent !== undefined) values.intent = patch.intent;
      if (patch.userId !== undefined) values.user_id = patch.userId;
      if (patch.description !== undefined) values.description = patch.description;
      if (patch.expiring !== undefined) values.expiring = patch.expiring;
      if (patch.expires !== undefined) values.expires = patch.expires;
      if (patch.managed !== undefined) values.managed = patch.managed;
      if (Object.keys(values).length === 0) {
        const current = await this.byIdentifier(identifier);
        if (!current) throw NotFoundError.forModel('Token');
        return current;
      }
      const row = await this.db.updateTable('tokens').set(values).where('identifier', '=', identifier).returningAll().executeTakeFirst();
      if (!row) throw NotFoundError.forModel('Token');
      return toToken(row);
    });
  }

  async delete(identifier: string): Promise<boolean> {
    const r = await this.db.deleteFrom('tokens').where('identifier', '=', identifier).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
