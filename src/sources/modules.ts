/**
 * One module per concrete source kind. The mapped type makes the compiler refuse a kind that
 * is declared in `sources/kinds.ts` but has no module here.
 */
import type { ConcreteKind } from './kinds.js';
import type { SourceKindModule } from './module.js';
import { oauthModule } from './oauth/index.js';
import { samlModule } from './saml/index.js';
import { scimModule } from './scim/index.js';

export const SOURCE_MODULES: { [K in ConcreteKind]: SourceKindModule<K> } = {
  oauth: oauthModule,
  saml: samlModule,
  scim: scimModule,
};

/** The modules as a list, for whoever iterates them (API, routes, jobs). */
export const sourceModules = (): Array<SourceKindModule<ConcreteKind>> => Object.values(SOURCE_MODULES);
