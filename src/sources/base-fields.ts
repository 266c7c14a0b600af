/**
 * The fields every source has (authentik 2024.8 `SourceSerializer`), stored in `sources`.
 * Kinds pick the subset their own serializer shows (`SourceKindDescriptor.baseFields`).
 */
import { field, type Serializer } from '../domain/fields.js';
import { GROUP_MATCHING_MODES, USER_MATCHING_MODES } from '../domain/matching.js';

export const POLICY_ENGINE_MODES = ['all', 'any'] as const;

export const sourceFields = {
  pk: field.uuid({ readOnly: true }),
  name: field.string({ required: true, description: "Source's display Name." }),
  slug: field.slug({ required: true, maxLength: 50, description: 'Internal source name, used in URLs.' }),
  enabled: field.boolean(),
  authentication_flow: field.uuid({ nullable: true, description: 'Flow to use when authenticating existing users.' }),
  enrollment_flow: field.uuid({ nullable: true, description: 'Flow to use when enrolling new users.' }),
  user_property_mappings: field.list(field.uuid()),
  group_property_mappings: field.list(field.uuid()),
  component: field.string({ readOnly: true }),
  verbose_name: field.string({ readOnly: true }),
  verbose_name_plural: field.string({ readOnly: true }),
  meta_model_name: field.string({ readOnly: true }),
  policy_engine_mode: field.choice(POLICY_ENGINE_MODES),
  user_matching_mode: field.choice(USER_MATCHING_MODES),
  managed: field.string({ readOnly: true, nullable: true }),
  user_path_template: field.string(),
  icon: field.string({ readOnly: true, nullable: true }),
} satisfies Serializer;

/** Source fields plus `group_matching_mode` (the OAuth and SAML serializers have it). */
export const matchingSourceFields = {
  ...sourceFields,
  group_matching_mode: field.choice(GROUP_MATCHING_MODES),
} satisfies Serializer;
