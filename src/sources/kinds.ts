/**
 * The registry of source kinds (data only: names, fields, models). Adding a kind is one line
 * here and one in `sources/modules.ts`; everything that lists kinds derives from these.
 */
import type { Source } from '../domain/sources.js';
import type { SettingsInputOf, SettingsOf, SourceKindDescriptor } from './kind.js';
import { sourceFields } from './base-fields.js';
import { oauthKind } from './oauth/kind.js';
import { samlKind } from './saml/kind.js';
import { scimKind } from './scim/kind.js';

/** The built-in source every install has (`authentik-built-in`): a base Source, no kind table. */
const inbuiltKind = {
  kind: 'inbuilt',
  model: 'Source',
  component: '',
  verboseName: 'Source',
  verboseNamePlural: 'Sources',
  app: 'authentik_core',
  modelName: 'source',
  description: 'Base Authentication source, i.e. an OAuth Provider, SAML Remote or LDAP Server',
  iconUrl: null,
  baseFields: sourceFields,
  fields: {},
  table: null,
  mapping: null,
  connections: null,
  userSettingsComponent: null,
  loginPath: null,
} satisfies SourceKindDescriptor;

export const SOURCE_KINDS = {
  inbuilt: inbuiltKind,
  oauth: oauthKind,
  saml: samlKind,
  scim: scimKind,
} satisfies Record<string, SourceKindDescriptor>;

export type SourceKind = keyof typeof SOURCE_KINDS;

/** Kinds an admin creates (each with its own table and `/sources/<kind>/` endpoints). */
export type ConcreteKind = Exclude<SourceKind, 'inbuilt'>;
export const CONCRETE_KINDS = (Object.keys(SOURCE_KINDS) as SourceKind[]).filter((k): k is ConcreteKind => k !== 'inbuilt');

type Kinds = typeof SOURCE_KINDS;
type KindsWhere<P> = { [K in SourceKind]: Kinds[K] extends P ? K : never }[SourceKind];

/** Kinds with a property-mapping subclass (`/propertymappings/source/<kind>/`). */
export type PropertyMappingKind = KindsWhere<{ mapping: object }>;
export const PROPERTY_MAPPING_KINDS = (Object.keys(SOURCE_KINDS) as SourceKind[]).filter(
  (k): k is PropertyMappingKind => SOURCE_KINDS[k].mapping !== null,
);

/** Kinds with user connections (`/sources/user_connections/<kind>/`). */
export type ConnectionKind = KindsWhere<{ connections: object }>;
export const CONNECTION_KINDS = (Object.keys(SOURCE_KINDS) as SourceKind[]).filter((k): k is ConnectionKind => SOURCE_KINDS[k].connections !== null);

/** Kinds with group connections (`/sources/group_connections/<kind>/`). */
export type GroupConnectionKind = KindsWhere<{ connections: { group: object } }>;
export const GROUP_CONNECTION_KINDS = CONNECTION_KINDS.filter((k): k is GroupConnectionKind => SOURCE_KINDS[k].connections.group !== null);

export function metaModelName(kind: SourceKind): string {
  const d = SOURCE_KINDS[kind];
  return `${d.app}.${d.modelName}`;
}

/** A source of kind K: the base columns plus its typed settings. */
export type SourceOf<K extends SourceKind> = Source & { kind: K; settings: SettingsOf<Kinds[K]> };
export type SettingsInput<K extends SourceKind> = SettingsInputOf<Kinds[K]>;

export type OAuthSource = SourceOf<'oauth'>;
export type SamlSource = SourceOf<'saml'>;
export type ScimSource = SourceOf<'scim'>;
