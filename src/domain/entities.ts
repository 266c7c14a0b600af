/** Core entity types in domain terms (camelCase). Serializers turn them into authentik's wire shape. */

export type UserType = 'internal' | 'external' | 'service_account' | 'internal_service_account';
export const USER_TYPES: readonly UserType[] = ['internal', 'external', 'service_account', 'internal_service_account'];

export interface User {
  id: number;
  uuid: string;
  username: string;
  name: string;
  email: string;
  isActive: boolean;
  type: UserType;
  path: string;
  attributes: Record<string, unknown>;
  lastLogin: Date | null;
  dateJoined: Date;
  lastUpdated: Date;
  hasUsablePassword: boolean;
}

export interface Group {
  uuid: string;
  numPk: number;
  name: string;
  isSuperuser: boolean;
  parentUuid: string | null;
  attributes: Record<string, unknown>;
}

export type TokenIntent = 'verification' | 'api' | 'recovery' | 'app_password';
export const TOKEN_INTENTS: readonly TokenIntent[] = ['verification', 'api', 'recovery', 'app_password'];

export interface Token {
  uuid: string;
  identifier: string;
  intent: TokenIntent;
  userId: number;
  description: string;
  expiring: boolean;
  expires: Date | null;
  managed: string | null;
}

export type FlowDesignation =
  'authentication' | 'authorization' | 'invalidation' | 'enrollment' | 'unenrollment' | 'recovery' | 'stage_configuration';
export const FLOW_DESIGNATIONS: readonly FlowDesignation[] = [
  'authentication',
  'authorization',
  'invalidation',
  'enrollment',
  'unenrollment',
  'recovery',
  'stage_configuration',
];

export interface Flow {
  uuid: string;
  slug: string;
  name: string;
  title: string;
  designation: FlowDesignation;
  authentication: string;
  layout: string;
  deniedAction: string;
  policyEngineMode: string;
  compatibilityMode: boolean;
  background: string;
  managed: string | null;
}

export interface Keypair {
  uuid: string;
  name: string;
  certificateData: string;
  hasPrivateKey: boolean;
  managed: string | null;
}

import type { PropertyMappingKind } from '../sources/kinds.js';

export type { PropertyMappingKind };

export interface PropertyMapping {
  uuid: string;
  kind: PropertyMappingKind;
  name: string;
  expression: string;
  managed: string | null;
}

/** Who is calling: resolved once per request by the HTTP layer. */
export interface Principal {
  user: User;
  isSuperuser: boolean;
  via: 'token' | 'session';
}

export const SYSTEM_ATTRIBUTE_PREFIX = 'goauthentik.io/user/';

/** authentik's system attributes on users that sources and flows act on. */
export const USER_ATTRIBUTES = {
  generated: 'goauthentik.io/user/generated',
  sources: 'goauthentik.io/user/sources',
  deleteOnLogout: 'goauthentik.io/user/delete-on-logout',
  expires: 'goauthentik.io/user/expires',
} as const;
