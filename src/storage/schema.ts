/** Row types of every table, as Kysely sees them. Only storage/ uses these. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface UsersTable {
  id: Generated<number>;
  uuid: Generated<string>;
  username: string;
  name: Generated<string>;
  email: Generated<string>;
  password: string | null;
  is_active: Generated<boolean>;
  type: Generated<string>;
  path: Generated<string>;
  attributes: Json<Record<string, unknown>>;
  last_login: Date | null;
  date_joined: Timestamp;
  password_change_date: Timestamp;
  last_updated: Timestamp;
  /** Created by a SCIM source: its username is unique case-insensitively among such users (migration 012). */
  scim_provisioned: Generated<boolean>;
}

export interface GroupsTable {
  group_uuid: Generated<string>;
  num_pk: Generated<number>;
  name: string;
  is_superuser: Generated<boolean>;
  parent_uuid: string | null;
  attributes: Json<Record<string, unknown>>;
  created: Timestamp;
  last_updated: Timestamp;
}

export interface GroupMembersTable {
  group_uuid: string;
  user_id: number;
}

export interface TokensTable {
  token_uuid: Generated<string>;
  identifier: string;
  key_digest: string;
  key_sealed: string;
  intent: string;
  user_id: number;
  description: Generated<string>;
  expiring: Generated<boolean>;
  expires: Date | null;
  managed: string | null;
  created: Timestamp;
}

export interface SessionsTable {
  id_digest: string;
  user_id: number | null;
  data: Json<Record<string, unknown>>;
  created: Timestamp;
  expires: Date;
}

export interface FlowsTable {
  flow_uuid: Generated<string>;
  slug: string;
  name: string;
  title: string;
  designation: string;
  authentication: Generated<string>;
  layout: Generated<string>;
  denied_action: Generated<string>;
  policy_engine_mode: Generated<string>;
  compatibility_mode: Generated<boolean>;
  background: Generated<string>;
  managed: string | null;
  created: Timestamp;
}

export interface KeypairsTable {
  kp_uuid: Generated<string>;
  name: string;
  certificate_data: string;
  key_sealed: string | null;
  managed: string | null;
  created: Timestamp;
}

export interface PropertyMappingsTable {
  pm_uuid: Generated<string>;
  kind: string;
  name: string;
  expression: string;
  managed: string | null;
  created: Timestamp;
}

export interface SourcesTable {
  pbm_uuid: Generated<string>;
  kind: string;
  name: string;
  slug: string;
  enabled: Generated<boolean>;
  authentication_flow: string | null;
  enrollment_flow: string | null;
  policy_engine_mode: Generated<string>;
  user_matching_mode: Generated<string>;
  group_matching_mode: Generated<string>;
  user_path_template: Generated<string>;
  managed: string | null;
  icon: Generated<string>;
  created: Timestamp;
  last_updated: Timestamp;
}

export interface SourcePropertyMappingsTable {
  source_uuid: string;
  pm_uuid: string;
  target: 'user' | 'group';
}

export interface OAuthSourcesTable {
  source_uuid: string;
  provider_type: string;
  request_token_url: string | null;
  authorization_url: string | null;
  access_token_url: string | null;
  profile_url: string | null;
  additional_scopes: Generated<string>;
  consumer_key: string;
  consumer_secret_sealed: string;
  oidc_well_known_url: Generated<string>;
  oidc_jwks_url: Generated<string>;
  oidc_jwks: Json<Record<string, unknown>>;
  oidc_issuer: Generated<string>;
  pkce: Generated<string>;
  authorization_code_auth_method: Generated<string>;
}

export interface SamlSourcesTable {
  source_uuid: string;
  pre_authentication_flow: string;
  issuer: string | null;
  idp_entity_id: string | null;
  sso_url: string;
  slo_url: string | null;
  metadata_url: string | null;
  allow_idp_initiated: Generated<boolean>;
  force_authn: Generated<boolean>;
  name_id_policy: Generated<string>;
  binding_type: Generated<string>;
  verification_kp: string | null;
  signing_kp: string | null;
  encryption_kp: string | null;
  digest_algorithm: Generated<string>;
  signature_algorithm: Generated<string>;
  temporary_user_delete_after: Generated<string>;
  signed_assertion: Generated<boolean>;
  signed_response: Generated<boolean>;
}

export interface SamlSourceVerificationKpsTable {
  source_uuid: string;
  kp_uuid: string;
}

export interface ScimSourcesTable {
  source_uuid: string;
  token_uuid: string | null;
}

export interface UserSourceConnectionsTable {
  id: Generated<number>;
  kind: string;
  user_id: number;
  source_uuid: string;
  identifier: string;
  access_token_sealed: string | null;
  refresh_token_sealed: string | null;
  expires: Date | null;
  created: Timestamp;
  last_updated: Timestamp;
}

export interface GroupSourceConnectionsTable {
  id: Generated<number>;
  kind: string;
  group_uuid: string;
  source_uuid: string;
  identifier: string;
  created: Timestamp;
  last_updated: Timestamp;
}

export interface ScimSourceUsersTable {
  id: string;
  external_id: string;
  user_id: number;
  source_uuid: string;
  attributes: Json<Record<string, unknown>>;
  last_update: Timestamp;
}

export interface ScimSourceGroupsTable {
  id: string;
  external_id: string;
  group_uuid: string;
  source_uuid: string;
  attributes: Json<Record<string, unknown>>;
  last_update: Timestamp;
}

export interface EventsTable {
  event_uuid: Generated<string>;
  action: string;
  app: Generated<string>;
  user_info: Json<Record<string, unknown>>;
  context: Json<Record<string, unknown>>;
  client_ip: string | null;
  created: Timestamp;
  expires: Date;
}

export interface FlowStatesTable {
  id_digest: string;
  kind: string;
  session_digest: string;
  source_uuid: string | null;
  data: Json<Record<string, unknown>>;
  created: Timestamp;
  expires: Date;
}

export interface ReplayCacheTable {
  key: string;
  expires: Date;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  expires: Date;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
}

export interface Database {
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  tokens: TokensTable;
  sessions: SessionsTable;
  flows: FlowsTable;
  keypairs: KeypairsTable;
  property_mappings: PropertyMappingsTable;
  sources: SourcesTable;
  source_property_mappings: SourcePropertyMappingsTable;
  oauth_sources: OAuthSourcesTable;
  saml_sources: SamlSourcesTable;
  saml_source_verification_kps: SamlSourceVerificationKpsTable;
  scim_sources: ScimSourcesTable;
  user_source_connections: UserSourceConnectionsTable;
  group_source_connections: GroupSourceConnectionsTable;
  scim_source_users: ScimSourceUsersTable;
  scim_source_groups: ScimSourceGroupsTable;
  events: EventsTable;
  flow_states: FlowStatesTable;
  replay_cache: ReplayCacheTable;
  auth_throttle: AuthThrottleTable;
  settings: SettingsTable;
}
