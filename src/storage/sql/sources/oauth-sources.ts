/** OAuth sources: `sources` + `oauth_sources`; the consumer secret is stored sealed. */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../../../security/secret-box.js';
import type { Database } from '../../schema.js';
import type { OAuthSource, OAuthSettingsInput, OAuthSourceRepository, Source } from '../../source-ports.js';
import { toJson } from '../json.js';
import { SqlKindSourceRepository, type KindConfig } from './kind-repository.js';
import { BASE_COLUMNS } from './source-rows.js';

const COLUMNS: Array<[keyof OAuthSettingsInput, string]> = [
  ['providerType', 'provider_type'],
  ['requestTokenUrl', 'request_token_url'],
  ['authorizationUrl', 'authorization_url'],
  ['accessTokenUrl', 'access_token_url'],
  ['profileUrl', 'profile_url'],
  ['additionalScopes', 'additional_scopes'],
  ['consumerKey', 'consumer_key'],
  ['oidcWellKnownUrl', 'oidc_well_known_url'],
  ['oidcJwksUrl', 'oidc_jwks_url'],
  ['oidcIssuer', 'oidc_issuer'],
  ['pkce', 'pkce'],
  ['authorizationCodeAuthMethod', 'authorization_code_auth_method'],
];

function config(box: SecretBox): KindConfig<OAuthSource, OAuthSettingsInput> {
  return {
    kind: 'oauth',
    table: 'oauth_sources',
    model: 'OAuthSource',
    fields: {
      columns: {
        ...BASE_COLUMNS,
        ...Object.fromEntries(COLUMNS.map(([, c]) => [c, `oauth_sources.${c}`])),
        // `{}` means "no JWKS cached" (SPEC §3.7 has_jwks).
        has_jwks: "(oauth_sources.oidc_jwks <> '{}'::jsonb)",
      },
      search: ['name', 'slug'],
      tiebreak: 'sources.pbm_uuid',
    },
    toEntity: (row, base: Source): OAuthSource => ({
      ...base,
      oauth: {
        providerType: row.provider_type,
        requestTokenUrl: row.request_token_url,
        authorizationUrl: row.authorization_url,
        accessTokenUrl: row.access_token_url,
        profileUrl: row.profile_url,
        additionalScopes: row.additional_scopes,
        consumerKey: row.consumer_key,
        oidcWellKnownUrl: row.oidc_well_known_url,
        oidcJwksUrl: row.oidc_jwks_url,
        oidcJwks: row.oidc_jwks ?? {},
        oidcIssuer: row.oidc_issuer,
        pkce: row.pkce,
        authorizationCodeAuthMethod: row.authorization_code_auth_method,
      },
    }),
    values: (input) => {
      const v: Record<string, unknown> = {};
      for (const [key, column] of COLUMNS) if (input[key] !== undefined) v[column] = input[key];
      if (input.oidcJwks !== undefined) v.oidc_jwks = toJson(input.oidcJwks);
      if (input.consumerSecret !== undefined) v.consumer_secret_sealed = box.encrypt(input.consumerSecret);
      return v;
    },
  };
}

export class SqlOAuthSourceRepository extends SqlKindSourceRepository<OAuthSource, OAuthSettingsInput> implements OAuthSourceRepository {
  constructor(db: Kysely<Database>, private readonly box: SecretBox) {
    super(db, config(box));
  }

  async consumerSecret(uuid: string): Promise<string | null> {
    const row = await this.db.selectFrom('oauth_sources').select('consumer_secret_sealed').where('source_uuid', '=', uuid).executeTakeFirst();
    return row ? this.box.decrypt(row.consumer_secret_sealed) : null;
  }
}
