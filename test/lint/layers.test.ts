/**
 * The layer boundaries of eslint.config.js, run on small snippets placed at virtual paths in
 * src/: each forbidden import must be reported with its layer's message, and each allowed one
 * must pass, so a change to the config cannot silently stop a rule from applying.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CHECKED_RULES = new Set([
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-properties',
  'no-restricted-syntax',
  'no-console',
  'no-debugger',
  'tributary/disable-needs-reason',
]);

// The snippets' files do not exist, so they cannot be type-checked; these rules need no types.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  ruleFilter: ({ ruleId }) => CHECKED_RULES.has(ruleId),
});

async function problems(filePath: string, code: string): Promise<Array<{ ruleId: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

describe('forbidden imports are reported with the layer’s message', () => {
  it.each([
    ['src/protocols/oauth/token.ts', "import { Kysely } from 'kysely';", 'protocols/ holds the protocol cores'],
    ['src/protocols/saml/x.ts', "import type { FastifyRequest } from 'fastify';", 'protocols/ holds the protocol cores'],
    ['src/protocols/saml/x.ts', "import { PGlite } from '@electric-sql/pglite';", 'protocols/ holds the protocol cores'],
    ['src/protocols/saml/x.ts', "import { createStore } from '../../storage/sql/store.js';", 'protocols/ holds the protocol cores'],
    ['src/protocols/scim/schemas/x.ts', "import { requireAdmin } from '../../../http/auth.js';", 'protocols/ holds the protocol cores'],
    ['src/protocols/mapping/x.ts', "import type { ServiceContext } from '../../services/context.js';", 'protocols/ holds the protocol cores'],
    ['src/protocols/oauth/x.ts', "import { SOURCE_KINDS } from '../../sources/kinds.js';", 'protocols/ holds the protocol cores'],
    ['src/protocols/oauth/x.ts', "import pkg from '../../../package.json' with { type: 'json' };", 'protocols/ holds the protocol cores'],
    ['src/services/flows/x.ts', "import { createStore } from '../../storage/sql/store.js';", 'services/ holds the use cases'],
    ['src/services/core/x.ts', "import type { SqlStore } from '../../storage/sql/store.js';", 'services/ holds the use cases'],
    ['src/services/x.ts', "import { openPglite } from '../storage/drivers/pglite.js';", 'services/ holds the use cases'],
    ['src/services/x.ts', "import { registerRoutes } from '../http/flows/routes.js';", 'services/ holds the use cases'],
    ['src/services/x.ts', "import { BUILT_IN } from '../storage/source-ports.js';", 'services/ holds the use cases'],
    ['src/services/x.ts', "import { sql } from 'kysely';", 'services/ holds the use cases'],
    ['src/services/x.ts', "import type { FastifyInstance } from 'fastify';", 'services/ holds the use cases'],
    ['src/services/sources/x.ts', "import { temporaryUser } from '../../sources/saml/temporary-users.js';", 'services/ holds the use cases'],
    ['src/domain/x.ts', "import { SOURCE_KINDS } from '../sources/kinds.js';", 'domain/ holds entities and pure rules'],
    ['src/domain/x.ts', "import { parseFilter } from '../protocols/scim/index.js';", 'domain/ holds entities and pure rules'],
    ['src/errors/index.ts', "import { problem } from '../http/errors/api.js';", 'errors/ is the error hierarchy'],
    ['src/net/x.ts', "import { randomToken } from '../security/random.js';", 'net/ is outbound HTTP'],
    ['src/security/x.ts', "import type { Store } from '../storage/ports.js';", 'security/ is crypto'],
    ['src/ui/pages.ts', "import type { Flash } from '../http/flows/browser-session.js';", 'ui/ renders HTML'],
    ['src/config/index.ts', "import { createApp } from '../app.js';", 'config/ parses the environment'],
    ['src/storage/sql/users.ts', "import { requireAdmin } from '../../http/auth.js';", 'are the SQL implementation'],
    ['src/storage/sql/scim/x.ts', "import type { ServiceContext } from '../../../services/context.js';", 'are the SQL implementation'],
    ['src/storage/sql/scim/x.ts', "import { parseFilter } from '../../../protocols/scim/index.js';", 'are the SQL implementation'],
    ['src/storage/migrator.ts', "import { startLogin } from '../sources/oauth/start-login.js';", 'are the SQL implementation'],
    ['src/storage/ports.ts', "import type { SqlStore } from './sql/store.js';", 'are the repository interfaces'],
    ['src/storage/schema.ts', "import { sql } from 'kysely';", 'are the repository interfaces'],
    ['src/http/flows/x.ts', "import { createStore } from '../../storage/sql/store.js';", 'http/ (routes, API framework)'],
    ['src/http/api/v3/sources/x.ts', "import { migrations } from '../../../../storage/migrations/index.js';", 'http/ (routes, API framework)'],
    ['src/http/x.ts', "import { samlStorage } from '../sources/saml/sql/verification-kps.js';", 'http/ (routes, API framework)'],
    ['src/http/flows/x.ts', "import { createApp } from '../../app.js';", 'http/ (routes, API framework)'],
    ['src/sources/oauth/service.ts', "import { samlService } from '../saml/service.js';", 'A source kind’s use cases'],
    ['src/sources/oauth/service.ts', "import { samlKind } from '../saml/kind.js';", 'A source kind’s use cases'],
    ['src/sources/oauth/service.ts', "import { oauthApi } from './http/api.js';", 'A source kind’s use cases'],
    ['src/sources/oauth/service.ts', "import { createStore } from '../../storage/sql/store.js';", 'A source kind’s use cases'],
    ['src/sources/oauth/service.ts', "import type { FastifyRequest } from 'fastify';", 'A source kind’s use cases'],
    ['src/sources/scim/http/api.ts', "import { samlApi } from '../../saml/http/api.js';", 'A source kind’s http/'],
    ['src/sources/scim/http/api.ts', "import { createStore } from '../../../storage/sql/store.js';", 'A source kind’s http/'],
    ['src/sources/saml/http/routes.ts', "import { samlStorage } from '../sql/verification-kps.js';", 'A source kind’s http/'],
    ['src/sources/saml/sql/x.ts', "import type { ServiceContext } from '../../../services/context.js';", 'A source kind’s sql/'],
    ['src/sources/saml/sql/x.ts', "import { oauthKind } from '../../oauth/kind.js';", 'A source kind’s sql/'],
    ['src/sources/saml/index.ts', "import { oauthModule } from '../oauth/index.js';", 'A kind’s index.ts wires the kind'],
    ['src/sources/saml/kind.ts', "import { consume } from './consume.js';", 'A kind descriptor (kind.ts)'],
    ['src/sources/kinds.ts', "import { oauthModule } from './oauth/index.js';", 'The source-kind registries'],
    ['src/sources/kind.ts', "import { requireAdmin } from '../http/auth.js';", 'The source-kind registries'],
    ['src/sources/module.ts', "import { requireAdmin } from '../http/auth.js';", 'sources/module.ts is the interface'],
  ])('%s: %s', async (filePath, code, message) => {
    const found = await problems(filePath, code);
    expect(found).toHaveLength(1);
    expect(found[0].ruleId).toBe('@typescript-eslint/no-restricted-imports');
    expect(found[0].message).toContain(message);
  });

  it('names type-only use when the target may be imported as a type', async () => {
    const [found] = await problems('src/services/x.ts', "import { BUILT_IN } from '../storage/source-ports.js';");
    expect(found.message).toContain('(type imports only)');
  });
});

describe('allowed imports pass', () => {
  it.each([
    ['src/protocols/oauth/token.ts', "import { fetchJson } from './http.js';\nimport { SAML_NS } from '../saml/constants.js';"],
    [
      'src/protocols/scim/schemas/x.ts',
      "import { attr } from './attribute-dsl.js';\nimport { ScimError } from '../errors.js';\nimport { ValidationError } from '../../../errors/index.js';",
    ],
    [
      'src/protocols/oauth/x.ts',
      "import { outboundFetch } from '../../net/outbound-fetch.js';\nimport { SecretBox } from '../../security/secret-box.js';\nimport * as jose from 'jose';",
    ],
    [
      'src/services/flows/x.ts',
      "import type { Store } from '../../storage/ports.js';\nimport type { Database } from '../../storage/schema.js';\nimport { planFlow } from './plan.js';",
    ],
    [
      'src/services/x.ts',
      "import { SOURCE_KINDS } from '../sources/kinds.js';\nimport { sourceFields } from '../sources/base-fields.js';\nimport { oauthKind } from '../sources/oauth/kind.js';",
    ],
    ['src/services/x.ts', "import type { ScimStore } from '../storage/scim-ports.js';\nimport { evaluate } from '../protocols/mapping/index.js';"],
    [
      'src/domain/x.ts',
      "import type { SourceKind } from '../sources/kinds.js';\nimport type { SourceKindDescriptor } from '../sources/kind.js';\nimport { ValidationError } from '../errors/index.js';",
    ],
    ['src/errors/index.ts', "import type { Field } from '../domain/fields.js';"],
    ['src/ui/pages.ts', "import { escapeHtml } from './html.js';\nimport { isSafeUrl } from '../domain/urls.js';"],
    ['src/net/outbound-fetch.ts', "import { isPublic } from './address-policy.js';\nimport { request } from 'node:http';"],
    [
      'src/storage/sql/scim/x.ts',
      "import type { ScimFilter } from '../../../protocols/scim/index.js';\nimport { sql } from 'kysely';\nimport { json } from '../json.js';\nimport type { SecretBox } from '../../../security/secret-box.js';",
    ],
    [
      'src/storage/sql/sources/x.ts',
      "import { SOURCE_KINDS } from '../../../sources/kinds.js';\nimport { samlKind } from '../../../sources/saml/kind.js';\nimport { BUILT_IN } from '../../source-ports.js';",
    ],
    ['src/storage/drivers/postgres.ts', "import pg from 'pg';\nimport { Kysely } from 'kysely';"],
    [
      'src/storage/ports.ts',
      "import type { ScimStore } from './scim-ports.js';\nimport type { User } from '../domain/entities.js';\nimport type { SourceKind } from '../sources/kinds.js';",
    ],
    ['src/storage/schema.ts', "import type { ColumnType } from 'kysely';"],
    [
      'src/http/api/v3/sources/x.ts',
      "import { requireAdmin } from '../../../auth.js';\nimport type { Store } from '../../../../storage/ports.js';\nimport { oauthService } from '../../../../sources/oauth/service.js';",
    ],
    [
      'src/sources/oauth/service.ts',
      "import { startLogin } from './start-login.js';\nimport { SOURCE_KINDS } from '../kinds.js';\nimport type { ServiceContext } from '../../services/context.js';\nimport type { SourceStore } from '../../storage/source-ports.js';",
    ],
    [
      'src/sources/oauth/http/api.ts',
      "import { oauthService } from '../service.js';\nimport type { FastifyInstance } from 'fastify';\nimport { requireAdmin } from '../../../http/auth.js';\nimport { page } from '../../../ui/pages.js';",
    ],
    [
      'src/sources/saml/sql/x.ts',
      "import type { Database } from '../../../storage/schema.js';\nimport type { KindStorageHooks } from '../../kind.js';\nimport { json } from '../../../storage/sql/json.js';",
    ],
    [
      'src/sources/saml/kind.ts',
      "import { samlStorage } from './sql/verification-kps.js';\nimport { SIGNATURE_ALGORITHMS } from '../../protocols/saml/algorithms.js';\nimport { field } from '../../domain/fields.js';",
    ],
    [
      'src/sources/saml/index.ts',
      "import { samlApi } from './http/api.js';\nimport { samlService } from './service.js';\nimport type { SourceKindModule } from '../module.js';\nimport { browserScope } from '../../http/flows/browser-scope.js';",
    ],
    [
      'src/sources/kinds.ts',
      "import { oauthKind } from './oauth/kind.js';\nimport { samlStorage } from './saml/sql/verification-kps.js';\nimport type { Source } from '../domain/sources.js';",
    ],
    ['src/sources/kind.ts', "import type { Kysely } from 'kysely';\nimport type { FieldSpec } from '../domain/fields.js';"],
    ['src/sources/modules.ts', "import { oauthModule } from './oauth/index.js';\nimport type { SourceKindModule } from './module.js';"],
    [
      'src/sources/module.ts',
      "import type { FastifyInstance } from 'fastify';\nimport type { ServiceContext } from '../services/context.js';\nimport type { ApiRegistry } from '../http/api/registry.js';",
    ],
    [
      'src/app.ts',
      "import { createStore } from './storage/sql/store.js';\nimport { openPglite } from './storage/drivers/pglite.js';\nimport Fastify from 'fastify';",
    ],
  ])('%s', async (filePath, code) => {
    expect(await problems(filePath, code)).toEqual([]);
  });
});

describe('the environment and the console', () => {
  it('reports process.env outside src/config/ and src/main.ts', async () => {
    const found = await problems('src/services/x.ts', 'export const port = process.env.PORT;');
    expect(found).toEqual([expect.objectContaining({ ruleId: 'no-restricted-properties' })]);
    expect(await problems('src/protocols/mapping/x.ts', "import { env } from 'node:process';\nexport const e = env;")).toEqual([
      expect.objectContaining({ ruleId: '@typescript-eslint/no-restricted-imports', message: expect.stringContaining('src/config/') }),
    ]);
  });

  it('lets src/config/ and src/main.ts read process.env', async () => {
    expect(await problems('src/config/index.ts', 'export const port = process.env.PORT;')).toEqual([]);
    expect(await problems('src/config/index.ts', "import { env } from 'node:process';\nexport const port = env.PORT;")).toEqual([]);
    expect(await problems('src/main.ts', 'export const port = process.env.PORT;')).toEqual([]);
  });

  it('reports the console outside src/main.ts', async () => {
    expect(await problems('src/services/x.ts', "console.log('hi');")).toEqual([expect.objectContaining({ ruleId: 'no-console' })]);
    expect(await problems('src/http/x.ts', "process.stderr.write('hi');")).toEqual([expect.objectContaining({ ruleId: 'no-restricted-properties' })]);
    expect(await problems('src/main.ts', "console.log('hi');\nprocess.stderr.write('hi');")).toEqual([]);
  });
});

describe('coverage of src/', () => {
  it('reports import() of a project file or of a computed name, which the import rules cannot see', async () => {
    expect(await problems('src/protocols/oauth/x.ts', "export const store = await import('../../storage/sql/store.js');")).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-syntax', message: expect.stringContaining('static import') }),
    ]);
    expect(await problems('src/services/x.ts', 'export const load = (name: string) => import(name);')).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-syntax', message: expect.stringContaining('computed import()') }),
    ]);
    expect(await problems('src/security/x.ts', "export const x509 = await import('@peculiar/x509');")).toEqual([]);
  });

  it('reports a file in a folder that belongs to no layer', async () => {
    expect(await problems('src/newlayer/x.ts', 'export const x = 1;')).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-syntax', message: expect.stringContaining('add it to LAYERS') }),
    ]);
  });

  it('reports a file deeper than the layer blocks reach', async () => {
    expect(await problems('src/http/a/b/c/d/e/x.ts', 'export const x = 1;')).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-syntax', message: expect.stringContaining('MAX_DEPTH') }),
    ]);
  });
});

describe('disable comments', () => {
  it('need a reason after --', async () => {
    const bare = await problems('src/main.ts', '// eslint-disable-next-line no-debugger\ndebugger;');
    expect(bare.map((p) => p.ruleId)).toEqual(['tributary/disable-needs-reason']);
    expect(await problems('src/main.ts', '// eslint-disable-next-line no-debugger -- the test pauses here\ndebugger;')).toEqual([]);
  });
});
