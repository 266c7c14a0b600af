/**
 * The fields every source kind accepts (docs/behaviour.md#source-fields), their checks and their
 * repository form.
 */
import type { PropertyMappingKind } from '../../sources/kinds.js';
import type { Repositories } from '../../storage/ports.js';
import type { Source, SourceBaseInput, SourceKind } from '../../storage/source-ports.js';
import { SOURCE_KINDS } from '../../sources/kinds.js';
import { FieldErrorCollector, checkFlow, checkMappings, checkSourceUnique } from './references.js';

/** Validated request data (wire names). */
export interface SourceBaseData {
  name?: string;
  slug?: string;
  enabled?: boolean;
  authentication_flow?: string | null;
  enrollment_flow?: string | null;
  user_property_mappings?: string[];
  group_property_mappings?: string[];
  policy_engine_mode?: string;
  user_matching_mode?: string;
  group_matching_mode?: string;
  user_path_template?: string;
}

export function toBaseInput(data: SourceBaseData): SourceBaseInput {
  return {
    name: data.name,
    slug: data.slug,
    enabled: data.enabled,
    authenticationFlow: data.authentication_flow,
    enrollmentFlow: data.enrollment_flow,
    policyEngineMode: data.policy_engine_mode,
    userMatchingMode: data.user_matching_mode,
    groupMatchingMode: data.group_matching_mode,
    userPathTemplate: data.user_path_template,
    userPropertyMappings: data.user_property_mappings,
    groupPropertyMappings: data.group_property_mappings,
  };
}

/** Checks uniqueness and references of the base fields; returns the collector for kind checks. */
export async function validateBase(repos: Repositories, kind: SourceKind, data: SourceBaseData, self: Source | null): Promise<FieldErrorCollector> {
  const errors = new FieldErrorCollector();
  const mappingKind = SOURCE_KINDS[kind].mapping ? (kind as PropertyMappingKind) : null;
  await checkSourceUnique(repos, errors, data, self?.uuid ?? null);
  await checkFlow(repos, errors, 'authentication_flow', data.authentication_flow);
  await checkFlow(repos, errors, 'enrollment_flow', data.enrollment_flow);
  await checkMappings(repos, errors, 'user_property_mappings', data.user_property_mappings, mappingKind);
  await checkMappings(repos, errors, 'group_property_mappings', data.group_property_mappings, mappingKind);
  return errors;
}
