import type { Element } from '@xmldom/xmldom';
import { NS, attr, childElements, textContent } from './xml.js';

/**
 * AttributeStatement → `{Name: [values]}` (SAML Core §2.7.3). Values are the full character data
 * with comments removed (see textContent); an attribute repeated across statements accumulates.
 * Encrypted attributes are not supported and are skipped.
 */
export function readAttributes(assertion: Element): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const statement of childElements(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attribute of childElements(statement, NS.assertion, 'Attribute')) {
      const name = attr(attribute, 'Name');
      if (!name) continue;
      const values = (out[name] ??= []);
      for (const value of childElements(attribute, NS.assertion, 'AttributeValue')) values.push(textContent(value));
    }
  }
  return { ...out };
}

/** SessionIndex of the first AuthnStatement (used for single logout). */
export function readSessionIndex(assertion: Element): string | null {
  const statement = childElements(assertion, NS.assertion, 'AuthnStatement')[0];
  return statement ? attr(statement, 'SessionIndex') : null;
}
