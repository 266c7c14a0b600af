/** Sources, their connections and SCIM links, in domain terms (camelCase). */
import type { SourceKind } from '../sources/kinds.js';

export type { SourceKind };
export type { ConcreteKind, SourceOf } from '../sources/kinds.js';

export const BUILT_IN_SOURCE_MANAGED = 'goauthentik.io/sources/inbuilt';

/** Columns every source has, plus its property mappings (ordered by name). */
export interface Source {
  uuid: string;
  kind: SourceKind;
  name: string;
  slug: string;
  enabled: boolean;
  authenticationFlow: string | null;
  enrollmentFlow: string | null;
  policyEngineMode: string;
  userMatchingMode: string;
  groupMatchingMode: string;
  userPathTemplate: string;
  managed: string | null;
  /** "" = no icon; otherwise a URL (http(s) or data:). */
  icon: string;
  userPropertyMappings: string[];
  groupPropertyMappings: string[];
  created: Date;
  lastUpdated: Date;
}

export interface UserConnection {
  id: number;
  kind: string;
  userId: number;
  sourceUuid: string;
  identifier: string;
  expires: Date | null;
  created: Date;
  lastUpdated: Date;
}

export interface GroupConnection {
  id: number;
  kind: string;
  groupUuid: string;
  sourceUuid: string;
  identifier: string;
  created: Date;
  lastUpdated: Date;
}

/** A SCIM link row: which local user/group a SCIM source provisioned. */
export interface ScimLink {
  id: string;
  externalId: string;
  /** user id (number) for users, group uuid for groups. */
  targetId: number | string;
  sourceUuid: string;
  attributes: Record<string, unknown>;
  lastUpdate: Date;
}
