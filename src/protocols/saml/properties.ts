import type { SamlAssertionResult } from './response-validator.js';
import { ownValue, setOwn } from '../../domain/properties.js';

export const GROUP_CLAIM = 'http://schemas.xmlsoap.org/claims/Group';

export type SamlUserProperties = Record<string, string | string[]> & { username: string };

/**
 * Base user properties of a SAML login: every attribute keyed by its Name; the
 * `http://schemas.xmlsoap.org/claims/Group` claim becomes `groups` and stays a list; any other
 * single-value list is flattened to its value; `username` is the full NameID text (set last, so
 * an attribute called "username" cannot override the authenticated subject).
 */
export function samlPropertiesFromAssertion(result: Pick<SamlAssertionResult, 'attributes' | 'nameId'>): SamlUserProperties {
  const properties: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(result.attributes)) {
    // setOwn: an attribute named "__proto__" stays a plain key, never the object's prototype.
    if (name !== GROUP_CLAIM) setOwn(properties, name, values.length === 1 ? values[0] : [...values]);
  }
  const groups = ownValue(result.attributes, GROUP_CLAIM) as readonly string[] | undefined;
  if (groups) properties.groups = [...groups];
  properties.username = result.nameId;
  return properties as SamlUserProperties;
}

/** Base group properties of a SAML group: `{name: group_id}`. */
export function samlGroupProperties(groupId: string): { name: string } {
  return { name: groupId };
}
