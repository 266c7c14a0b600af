/**
 * authentik 2024.8's Source serializer (the nested `source` of connections and the base of
 * every kind's serializer), the list parameters all source lists share, and the base URL
 * absolute links are built from.
 */
import type { FastifyRequest } from 'fastify';
import { metaModelName, SOURCE_KINDS } from '../../../../sources/kinds.js';
import type { ServiceContext } from '../../../../services/context.js';
import type { Source } from '../../../../storage/source-ports.js';
import { publicBaseUrl } from '../../../public-url.js';
import type { Serializer } from '../../fields.js';
import type { FilterSpec } from '../../listing.js';

export const POLICY_ENGINE_MODES = ['all', 'any'] as const;
export const USER_MATCHING_MODES = ['identifier', 'email_link', 'email_deny', 'username_link', 'username_deny'] as const;
export const GROUP_MATCHING_MODES = ['identifier', 'name_link', 'name_deny'] as const;

export const sourceSerializer: Serializer = {
  pk: { type: 'uuid', readOnly: true },
  name: { type: 'string', required: true, description: "Source's display Name." },
  slug: { type: 'slug', required: true, maxLength: 50, description: 'Internal source name, used in URLs.' },
  enabled: { type: 'boolean' },
  authentication_flow: { type: 'uuid', nullable: true, description: 'Flow to use when authenticating existing users.' },
  enrollment_flow: { type: 'uuid', nullable: true, description: 'Flow to use when enrolling new users.' },
  user_property_mappings: { type: 'list', items: { type: 'uuid' } },
  group_property_mappings: { type: 'list', items: { type: 'uuid' } },
  component: { type: 'string', readOnly: true },
  verbose_name: { type: 'string', readOnly: true },
  verbose_name_plural: { type: 'string', readOnly: true },
  meta_model_name: { type: 'string', readOnly: true },
  policy_engine_mode: { type: 'choice', choices: POLICY_ENGINE_MODES },
  user_matching_mode: { type: 'choice', choices: USER_MATCHING_MODES },
  managed: { type: 'string', readOnly: true, nullable: true },
  user_path_template: { type: 'string' },
  icon: { type: 'string', readOnly: true, nullable: true },
};

/** Source serializer plus `group_matching_mode` (OAuth and SAML serializers have it). */
export const matchingSourceSerializer: Serializer = {
  ...sourceSerializer,
  group_matching_mode: { type: 'choice', choices: GROUP_MATCHING_MODES },
};

/** authentik 2024.8 `SourceSerializer` output. The built-in source has no UI component. */
export function serializeSource(s: Source): Record<string, unknown> {
  const d = SOURCE_KINDS[s.kind];
  return {
    pk: s.uuid,
    name: s.name,
    slug: s.slug,
    enabled: s.enabled,
    authentication_flow: s.authenticationFlow,
    enrollment_flow: s.enrollmentFlow,
    user_property_mappings: s.userPropertyMappings,
    group_property_mappings: s.groupPropertyMappings,
    component: d.component,
    verbose_name: d.verboseName,
    verbose_name_plural: d.verboseNamePlural,
    meta_model_name: metaModelName(s.kind),
    policy_engine_mode: s.policyEngineMode,
    user_matching_mode: s.userMatchingMode,
    managed: s.managed,
    user_path_template: s.userPathTemplate,
    icon: s.icon || null,
  };
}

/** Filters every concrete source list offers. */
export const BASE_SOURCE_FILTERS: Record<string, FilterSpec> = {
  name: { type: 'string' },
  slug: { type: 'string' },
  enabled: { type: 'boolean' },
  authentication_flow: { type: 'uuid' },
  enrollment_flow: { type: 'uuid' },
  managed: { type: 'string' },
  policy_engine_mode: { type: 'string' },
  user_matching_mode: { type: 'string' },
  group_matching_mode: { type: 'string' },
  pbm_uuid: { type: 'uuid' },
};

/** DRF with `ordering_fields` unset: every serializer field backed by a model column. */
export const BASE_SOURCE_ORDERING: Record<string, string> = {
  pk: 'pk',
  name: 'name',
  slug: 'slug',
  enabled: 'enabled',
  authentication_flow: 'authentication_flow',
  enrollment_flow: 'enrollment_flow',
  pbm_uuid: 'pbm_uuid',
  policy_engine_mode: 'policy_engine_mode',
  user_matching_mode: 'user_matching_mode',
  group_matching_mode: 'group_matching_mode',
  user_path_template: 'user_path_template',
  managed: 'managed',
};

/** External base URL: the configured public URL, else the request's own origin. */
export function baseUrl(ctx: ServiceContext, req: FastifyRequest): string {
  return publicBaseUrl(ctx, req);
}
