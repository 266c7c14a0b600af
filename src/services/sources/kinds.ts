/**
 * What authentik 2024.8 calls each source kind and its related models: UI component,
 * verbose names, Django app/model names (used by serializers and `used_by`).
 */
import type { PropertyMappingKind } from '../../domain/entities.js';
import type { SourceKind } from '../../storage/source-ports.js';

export interface KindDescriptor {
  component: string;
  verboseName: string;
  verboseNamePlural: string;
  app: string;
  modelName: string;
  /** The property-mapping subclass a source of this kind accepts (null: none). */
  mappingKind: PropertyMappingKind | null;
  /** User-settings entry component, for kinds a user can connect from the settings page. */
  userSettingsComponent: string | null;
  /** Public path (without base URL) a user visits to connect: `/source/oauth/login/<slug>/`. */
  configurePath: ((slug: string) => string) | null;
  description: string;
  iconUrl: string | null;
}

export const SOURCE_KINDS: Record<SourceKind, KindDescriptor> = {
  inbuilt: {
    component: '',
    verboseName: 'Source',
    verboseNamePlural: 'Sources',
    app: 'authentik_core',
    modelName: 'source',
    mappingKind: null,
    userSettingsComponent: null,
    configurePath: null,
    description: 'Base Authentication source, i.e. an OAuth Provider, SAML Remote or LDAP Server',
    iconUrl: null,
  },
  oauth: {
    component: 'ak-source-oauth-form',
    verboseName: 'OAuth Source',
    verboseNamePlural: 'OAuth Sources',
    app: 'authentik_sources_oauth',
    modelName: 'oauthsource',
    mappingKind: 'oauth',
    userSettingsComponent: 'ak-user-settings-source-oauth',
    configurePath: (slug) => `/source/oauth/login/${slug}/`,
    description: 'Login using a Generic OAuth provider.',
    iconUrl: null,
  },
  saml: {
    component: 'ak-source-saml-form',
    verboseName: 'SAML Source',
    verboseNamePlural: 'SAML Sources',
    app: 'authentik_sources_saml',
    modelName: 'samlsource',
    mappingKind: 'saml',
    userSettingsComponent: 'ak-user-settings-source-saml',
    configurePath: (slug) => `/source/saml/${slug}/`,
    description: 'Authenticate using an external SAML Identity Provider.',
    iconUrl: '/static/authentik/sources/saml.png',
  },
  scim: {
    component: 'ak-source-scim-form',
    verboseName: 'SCIM Source',
    verboseNamePlural: 'SCIM Sources',
    app: 'authentik_sources_scim',
    modelName: 'scimsource',
    mappingKind: 'scim',
    userSettingsComponent: null,
    configurePath: null,
    description: 'System for Cross-domain Identity Management Source, allows for cross-system user provisioning',
    iconUrl: '/static/authentik/sources/scim.png',
  },
};

export function metaModelName(kind: SourceKind): string {
  const d = SOURCE_KINDS[kind];
  return `${d.app}.${d.modelName}`;
}

/** Connection models per kind (2024.8 names), for `used_by`. */
export const CONNECTION_MODELS: Record<string, { app: string; user: string; group: string }> = {
  oauth: { app: 'authentik_sources_oauth', user: 'useroauthsourceconnection', group: 'groupoauthsourceconnection' },
  saml: { app: 'authentik_sources_saml', user: 'usersamlsourceconnection', group: 'groupsamlsourceconnection' },
};

/** Property-mapping subclasses (2024.8), keyed by our mapping kind. */
export const MAPPING_KINDS: Record<PropertyMappingKind, { component: string; verboseName: string; verboseNamePlural: string; app: string; modelName: string; model: string }> = {
  oauth: {
    component: 'ak-property-mapping-source-oauth-form',
    verboseName: 'OAuth Source Property Mapping',
    verboseNamePlural: 'OAuth Source Property Mappings',
    app: 'authentik_sources_oauth',
    modelName: 'oauthsourcepropertymapping',
    model: 'OAuthSourcePropertyMapping',
  },
  saml: {
    component: 'ak-property-mapping-source-saml-form',
    verboseName: 'SAML Source Property Mapping',
    verboseNamePlural: 'SAML Source Property Mappings',
    app: 'authentik_sources_saml',
    modelName: 'samlsourcepropertymapping',
    model: 'SAMLSourcePropertyMapping',
  },
  scim: {
    component: 'ak-property-mapping-source-scim-form',
    verboseName: 'SCIM Source Property Mapping',
    verboseNamePlural: 'SCIM Source Property Mappings',
    app: 'authentik_sources_scim',
    modelName: 'scimsourcepropertymapping',
    model: 'SCIMSourcePropertyMapping',
  },
};
