// Lint rules for Tributary: the recommended JavaScript and typed TypeScript sets, a few stricter
// rules, and the layer boundaries of src/ written as import restrictions (see LAYERS below).
// test/lint/layers.test.ts checks that the boundaries still report what they should.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Layer boundaries.
//
// no-restricted-imports sees the import specifier as written, not the file it resolves to, so
// each layer is expanded into one config block per folder depth: in a block every file sits at
// the same depth, so `../` × n always means the same folder and a specifier can be matched
// against the layer's allowed targets exactly. Targets are paths below src/ as they are spelled
// in specifiers (`.js`):
//   'domain/**'            a folder and everything below it
//   'sources/kinds.js'     one file
//   'sources/*/kind.js'    `*` is any one folder
//   'sources/<own>/**'     the importing file's own source-kind folder
//   'sources/<other>/**'   any source-kind folder reached from outside the importing file's kind
// A file's folder is written the same way: `<own>` is its kind folder, `*` any subfolder.
// ---------------------------------------------------------------------------------------------

/** Infrastructure packages: the HTTP server, the query builder and the database drivers. */
const HTTP_SERVER = '^(?:fastify|@fastify/.+)$';
const KYSELY = '^kysely(?:/.+)?$';
const DB_DRIVERS = '^(?:pg|@electric-sql/pglite)(?:/.+)?$';
const INFRASTRUCTURE = [HTTP_SERVER, KYSELY, DB_DRIVERS];

/** Source-kind registries (`src/sources/*.ts`) that every layer above the domain may use. */
const KIND_REGISTRY = ['sources/kinds.js', 'sources/kind.js', 'sources/base-fields.js'];
const STORAGE_PORTS = ['storage/ports.js', 'storage/source-ports.js', 'storage/scim-ports.js', 'storage/schema.js'];
const STORAGE_SQL = ['storage/sql/**', 'storage/drivers/**', 'storage/migrations/**', 'storage/migrator.js'];
/** The composition root: it imports the layers, never the other way round. */
const COMPOSITION_ROOT = ['app.js', 'main.js'];

const SERVICES_ALLOW = ['domain/**', 'errors/**', 'protocols/**', 'security/**', 'net/**', 'services/**', ...KIND_REGISTRY];
const SQL_ALLOW = ['storage/**', 'domain/**', 'errors/**', 'security/**', 'sources/kinds.js', 'sources/kind.js'];

/**
 * Each layer: the folders its files live in (`dirs`, with their subfolders) or single `files`;
 * what they may import (`allow`), what only as `import type` (`types`), what never even though
 * `allow` covers it (`deny`); which packages they must not use (`packages.deny`) or only as
 * types (`packages.types`); whether they may read the environment (`readsEnv`). A later layer
 * overrides an earlier one for the files both match.
 */
const LAYERS = [
  {
    name: 'domain',
    dirs: ['domain'],
    allow: ['domain/**', 'errors/**'],
    types: ['sources/kinds.js', 'sources/kind.js'],
    packages: { deny: INFRASTRUCTURE },
    message: 'domain/ holds entities and pure rules: it imports only domain/ and errors/ (and types from sources/kinds.ts, sources/kind.ts).',
  },
  {
    name: 'errors',
    dirs: ['errors'],
    allow: ['errors/**', 'domain/**'],
    packages: { deny: INFRASTRUCTURE },
    message: 'errors/ is the error hierarchy every layer throws: it imports only domain/.',
  },
  {
    name: 'config',
    dirs: ['config'],
    allow: ['config/**', 'domain/**', 'errors/**'],
    packages: { deny: INFRASTRUCTURE },
    readsEnv: true,
    message: 'config/ parses the environment into a plain value: it imports only domain/ and errors/.',
  },
  {
    name: 'protocols',
    dirs: ['protocols'],
    allow: ['protocols/**', 'domain/**', 'errors/**', 'net/**', 'security/**'],
    packages: { deny: INFRASTRUCTURE },
    message:
      'protocols/ holds the protocol cores (OAuth, SAML, SCIM, mapping sandbox) with no HTTP server and no SQL: it imports only domain/, errors/, protocols/, net/ (outbound fetch) and security/.',
  },
  {
    name: 'net',
    dirs: ['net'],
    allow: ['net/**', 'domain/**', 'errors/**'],
    packages: { deny: INFRASTRUCTURE },
    message: 'net/ is outbound HTTP (the SSRF-guarded fetch): it imports only domain/ and errors/.',
  },
  {
    name: 'security',
    dirs: ['security'],
    allow: ['security/**', 'domain/**', 'errors/**'],
    packages: { deny: INFRASTRUCTURE },
    message: 'security/ is crypto, passwords and certificates: it imports only domain/ and errors/.',
  },
  {
    name: 'ui',
    dirs: ['ui'],
    allow: ['ui/**', 'domain/**'],
    packages: { deny: INFRASTRUCTURE },
    message: 'ui/ renders HTML from plain values: it imports only domain/ and ui/.',
  },
  {
    name: 'storage (SQL)',
    dirs: ['storage'],
    allow: [...SQL_ALLOW, 'sources/*/kind.js'],
    types: ['protocols/**'],
    packages: { deny: [HTTP_SERVER] },
    message:
      'storage/sql, storage/drivers, storage/migrations and storage/migrator.ts are the SQL implementation: they import only storage/, domain/, errors/, security/, the kind registries and kind descriptors (and types from protocols/) — never http/ or services/.',
  },
  {
    name: 'storage ports',
    files: STORAGE_PORTS.map((f) => f.replace(/\.js$/, '.ts')),
    allow: [...STORAGE_PORTS, 'domain/**', 'errors/**'],
    types: ['sources/**', 'protocols/**'],
    packages: { deny: [HTTP_SERVER, DB_DRIVERS], types: [KYSELY] },
    message:
      'storage/ports.ts, source-ports.ts, scim-ports.ts and schema.ts are the repository interfaces: they import only domain/, errors/ and each other (and types from sources/ and protocols/), never the SQL implementation.',
  },
  {
    name: 'services',
    dirs: ['services'],
    allow: [...SERVICES_ALLOW, 'sources/*/kind.js'],
    types: STORAGE_PORTS,
    packages: { deny: INFRASTRUCTURE },
    message:
      'services/ holds the use cases: they import domain/, errors/, protocols/, security/, net/, the kind registries and descriptors, and storage ports as types only — never storage/sql, storage/drivers, http/, fastify or kysely.',
  },
  {
    name: 'http',
    dirs: ['http'],
    allow: ['**'],
    deny: [...STORAGE_SQL, 'sources/*/sql/**', ...COMPOSITION_ROOT],
    message:
      'http/ (routes, API framework) reaches the database only through services and storage ports: never storage/sql, storage/drivers, storage/migrations or a kind’s sql/.',
  },
  // One folder per source kind (src/sources/<kind>/). Later entries refine its subfolders.
  {
    name: 'source kind',
    dirs: ['sources/<own>'],
    allow: [...SERVICES_ALLOW, 'sources/<own>/**'],
    types: STORAGE_PORTS,
    deny: ['sources/<own>/http/**', 'sources/<own>/sql/**'],
    packages: { deny: INFRASTRUCTURE },
    message:
      'A source kind’s use cases follow the services/ rules: domain/, errors/, protocols/, security/, net/, services/, the kind registries, their own kind folder (not its http/ or sql/), and storage ports as types — never another kind’s folder, http/, storage/sql or kysely.',
  },
  {
    name: 'source kind http',
    dirs: ['sources/<own>/http'],
    allow: ['**'],
    deny: [...STORAGE_SQL, 'sources/*/sql/**', 'sources/<other>/**', ...COMPOSITION_ROOT],
    message:
      'A source kind’s http/ follows the http/ rules (no storage/sql, drivers, migrations or sql/ folders) and never imports another kind’s folder.',
  },
  {
    name: 'source kind sql',
    dirs: ['sources/<own>/sql'],
    allow: [...SQL_ALLOW, 'sources/<own>/sql/**', 'sources/<own>/kind.js'],
    types: ['protocols/**'],
    packages: { deny: [HTTP_SERVER] },
    message:
      'A source kind’s sql/ follows the storage/sql rules: storage/, domain/, errors/, security/, the kind registries, its own kind.ts and sql/ (types from protocols/) — never http/, services/ or another kind.',
  },
  {
    name: 'source kind descriptor',
    files: ['sources/*/kind.ts'],
    allow: ['domain/**', 'errors/**', 'protocols/**', ...KIND_REGISTRY, 'sources/<own>/sql/**'],
    packages: { deny: [HTTP_SERVER, DB_DRIVERS], types: [KYSELY] },
    message:
      'A kind descriptor (kind.ts) is data for the registry: it imports only domain/, errors/, protocols/, the kind registries and its own sql/.',
  },
  {
    name: 'source kind module',
    files: ['sources/*/index.ts'],
    allow: [...SERVICES_ALLOW, 'http/**', 'sources/module.js', 'sources/<own>/**'],
    types: STORAGE_PORTS,
    packages: { deny: [KYSELY, DB_DRIVERS] },
    message:
      'A kind’s index.ts wires the kind: it imports its own folder, http/, services/ and what services may import — never another kind’s folder or storage/sql.',
  },
  {
    name: 'source registries',
    files: ['sources/*.ts'],
    allow: ['domain/**', 'errors/**', 'protocols/**', ...KIND_REGISTRY, 'sources/*/kind.js', 'sources/*/sql/**'],
    packages: { deny: [HTTP_SERVER, DB_DRIVERS], types: [KYSELY] },
    message:
      'The source-kind registries (sources/kinds.ts, kind.ts, base-fields.ts) are data: they import only domain/, errors/, protocols/, each other and the kinds’ kind.ts and sql/ files.',
  },
  {
    name: 'source module interface',
    files: ['sources/module.ts'],
    allow: ['domain/**', 'errors/**', 'protocols/**', ...KIND_REGISTRY],
    types: ['http/**', 'services/**'],
    packages: { deny: [KYSELY, DB_DRIVERS], types: [HTTP_SERVER] },
    message:
      'sources/module.ts is the interface each kind’s index.ts implements: besides the registries it names http/, services/ and Fastify types only.',
  },
  {
    name: 'source module list',
    files: ['sources/modules.ts'],
    allow: ['domain/**', 'errors/**', ...KIND_REGISTRY, 'sources/module.js', 'sources/*/index.js'],
    packages: { deny: INFRASTRUCTURE },
    message: 'sources/modules.ts lists the kinds’ modules: it imports the registries and each kind’s index.ts.',
  },
];

/** `process.env` is read by config/ (parsing) and main.ts (handing it over) only. */
const PROCESS_ENV_IMPORTS = ['node:process', 'process'].map((name) => ({
  name,
  importNames: ['env'],
  message: 'Read the environment in src/config/ (loadConfig) and pass the parsed config down.',
}));

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** One path segment other than `.` and `..`, and any number of them. */
const SEGMENT = '(?!\\.\\.?/)[^/]+';
const SEGMENTS = `${SEGMENT}(?:/${SEGMENT})*`;

/** Whether a folder of the importing file (`own`, `*` or a name) can be the target segment. */
function segmentMatches(folder, target) {
  if (target === '*') return true;
  if (folder === '<own>') return target === '<own>';
  if (folder === '*') return false; // an arbitrary subfolder: only `*` or `**` is known to match
  if (target === '<own>') return false;
  if (target === '<other>') return true;
  return folder === target;
}

/**
 * The regex (without anchors) of what may follow `../` × n in a specifier for the target to be
 * reached, from a file whose folder after going up n levels is `prefix`; null when it cannot.
 */
function restPattern(prefix, target) {
  let i = 0;
  for (; i < prefix.length; i++) {
    if (target[i] === '**') return SEGMENTS;
    if (target[i] === undefined || !segmentMatches(prefix[i], target[i])) return null;
  }
  const rest = target.slice(i);
  if (rest.length === 0 || rest.includes('<own>')) return null; // a folder itself; or the own kind seen from outside it
  return rest.map((seg) => (seg === '**' ? SEGMENTS : seg === '*' || seg === '<other>' ? SEGMENT : escapeRegex(seg))).join('/');
}

/** Alternatives matching every relative specifier, from a file in `folder`, that reaches one of `targets`. */
function specifierAlternatives(folder, targets) {
  const out = [];
  for (let up = 0; up <= folder.length; up++) {
    const lead = up === 0 ? '\\./' : up === 1 ? '\\.\\./' : `(?:\\.\\./){${up}}`;
    for (const target of targets) {
      const rest = restPattern(folder.slice(0, folder.length - up), target.split('/'));
      if (rest !== null) out.push(lead + rest);
    }
  }
  return [...new Set(out)];
}

const anyOf = (alternatives) => (alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`);

/** The no-restricted-imports options for files in `folder` (segments below src/) of `layer`. */
function importRestrictions(layer, folder) {
  const allowed = specifierAlternatives(folder, [...layer.allow, ...(layer.types ?? [])]);
  const typeOnly = specifierAlternatives(folder, layer.types ?? []);
  const denied = specifierAlternatives(folder, layer.deny ?? []);
  const notAllowed = allowed.length ? `^(?!${anyOf(allowed)}$)\\.\\.?/` : '^\\.\\.?/';
  // A relative import that reaches no allowed target, or a denied one.
  const patterns = [{ regex: denied.length ? `${notAllowed}|^${anyOf(denied)}$` : notAllowed, message: layer.message }];
  if (typeOnly.length) {
    // typescript-eslint lets a type-only import through as soon as one pattern with
    // allowTypeImports matches it, so this one must not match what the first one reports.
    const valueAllowed = specifierAlternatives(folder, layer.allow);
    const exclude = [...denied, ...valueAllowed].map((alt) => `(?!${alt}$)`).join('');
    patterns.push({ regex: `^${exclude}${anyOf(typeOnly)}$`, allowTypeImports: true, message: `${layer.message} (type imports only)` });
  }
  for (const regex of layer.packages?.deny ?? []) patterns.push({ regex, message: layer.message });
  for (const regex of layer.packages?.types ?? []) patterns.push({ regex, allowTypeImports: true, message: `${layer.message} (type imports only)` });
  return { paths: layer.readsEnv ? [] : PROCESS_ENV_IMPORTS, patterns };
}

/** no-restricted-imports does not see `import()`: a layer file imports project files statically. */
const DYNAMIC_IMPORTS = [
  {
    selector: "ImportExpression[source.type='Literal'][source.value=/^\\./]",
    message: 'Import project files with a static import (or import type) so that the layer rules check them.',
  },
  {
    selector: "ImportExpression[source.type!='Literal']",
    message: 'A computed import() cannot be checked by the layer rules: import a package or file by name.',
  },
];

/** How many folders deep below src/ the layer blocks reach (deeper files are reported). */
const MAX_DEPTH = 5;
const notInALayer = (message) => ({ 'no-restricted-syntax': ['error', { selector: 'Program', message }] });

/** One config block per folder depth of each layer (see the comment at the top). */
function layerBlocks() {
  const blocks = [
    {
      name: 'tributary/layer: every file of src/ is in one',
      files: ['src/**/*.ts'],
      ignores: ['src/app.ts', 'src/main.ts'],
      rules: notInALayer('This folder is in no layer: add it to LAYERS in eslint.config.js.'),
    },
  ];
  for (const layer of LAYERS) {
    const entries = [];
    for (const dir of layer.dirs ?? []) {
      const base = dir.split('/');
      for (let extra = 0; base.length + extra <= MAX_DEPTH; extra++) entries.push([...base, ...Array(extra).fill('*')]);
    }
    const byFolder = new Map();
    for (const folder of entries) byFolder.set(folder.join('/'), { folder, files: [`src/${folder.join('/')}/*.ts`] });
    for (const file of layer.files ?? []) {
      const folder = file
        .split('/')
        .slice(0, -1)
        .map((seg) => (seg === '*' && file.startsWith('sources/') ? '<own>' : seg));
      const key = `${folder.join('/')}:files`;
      const entry = byFolder.get(key) ?? { folder, files: [] };
      entry.files.push(`src/${file}`);
      byFolder.set(key, entry);
    }
    for (const { folder, files } of byFolder.values()) {
      blocks.push({
        name: `tributary/layer: ${layer.name} (${folder.join('/') || 'src'})`,
        files: files.map((f) => f.replace(/<own>/g, '*')),
        rules: {
          '@typescript-eslint/no-restricted-imports': ['error', importRestrictions(layer, folder)],
          'no-restricted-syntax': ['error', ...DYNAMIC_IMPORTS],
        },
      });
    }
  }
  blocks.push({
    name: 'tributary/layer: too deep for the layer blocks',
    files: [`src/${'*/'.repeat(MAX_DEPTH + 1)}**/*.ts`],
    rules: notInALayer(`The layer rules reach ${MAX_DEPTH} folders below src/: raise MAX_DEPTH in eslint.config.js.`),
  });
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// A disable comment must say why: `// eslint-disable-next-line rule -- reason`.
// ---------------------------------------------------------------------------------------------
const local = {
  rules: {
    'disable-needs-reason': {
      meta: { type: 'problem', schema: [], messages: { reason: 'Say why after `--` in an eslint-disable comment.' } },
      create(context) {
        return {
          Program() {
            for (const comment of context.sourceCode.getAllComments()) {
              if (/^\s*eslint-disable(?:-next-line|-line)?(?:\s|$)/.test(comment.value) && !/\s--\s*\S/.test(comment.value)) {
                context.report({ loc: comment.loc, messageId: 'reason' });
              }
            }
          },
        };
      },
    },
  },
};

/** Node's globals, for the plain-JavaScript scripts (TypeScript files get them from @types/node). */
const NODE_GLOBALS = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
    'structuredClone',
    'fetch',
    'AbortController',
    'TextEncoder',
    'TextDecoder',
    'performance',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.runtime/', '.scratch/', 'bench/results/', 'test/.artifacts/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    name: 'tributary/typed',
    languageOptions: {
      parserOptions: {
        // tsconfig.json covers src/, test/, bench/ and scripts/ (*.ts, *.d.mts); the root config files are not in it.
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { tributary: local },
    rules: {
      'tributary/disable-needs-reason': 'error',
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-explicit-any': 'error',
      // A `default:` is a deliberate catch-all; a switch without one must name every member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      // Fastify plugins and hooks must be async functions (a plain one has to call `done`), and
      // port implementations stay async so that a throw becomes a rejection: `async` without
      // `await` is intended here. no-floating-promises and no-misused-promises guard the rest.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain JavaScript (scripts/*.mjs run before anything is built; this file): not type-checked.
    name: 'tributary/javascript',
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: NODE_GLOBALS },
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    name: 'tributary/src',
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in src/config/ (loadConfig) and pass the parsed config down.' },
        { object: 'process', property: 'stdout', message: 'Log through the Fastify logger; only src/main.ts writes to the console.' },
        { object: 'process', property: 'stderr', message: 'Log through the Fastify logger; only src/main.ts writes to the console.' },
      ],
    },
  },
  {
    name: 'tributary/src: config reads the environment',
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'stdout', message: 'Log through the Fastify logger; only src/main.ts writes to the console.' },
        { object: 'process', property: 'stderr', message: 'Log through the Fastify logger; only src/main.ts writes to the console.' },
      ],
    },
  },
  {
    name: 'tributary/src: the entry point writes to the console',
    files: ['src/main.ts'],
    rules: { 'no-console': 'off', 'no-restricted-properties': 'off' },
  },
  layerBlocks(),
  {
    // Tests read untyped JSON bodies (`response.json()` is `any`).
    name: 'tributary/test',
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
