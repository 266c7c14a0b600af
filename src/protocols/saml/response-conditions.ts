import type { Element } from '@xmldom/xmldom';
import { parseSamlTime } from './encoding.js';
import { SamlError } from './errors.js';
import { NS, attr, childElements, textContent } from './xml.js';

export interface ConditionsContext {
  spEntityId: string;
  now: Date;
  skewMs: number;
}

/**
 * SAML Core §2.5.1: the validity window (NotBefore / NotOnOrAfter, with clock skew) and
 * AudienceRestriction. authentik's mainline skips these; we check
 * them as recommended. Web SSO Profile §4.1.4.2 requires an AudienceRestriction naming the SP,
 * and Core §2.5.1.4 says every AudienceRestriction present must include us.
 * Returns the Conditions NotOnOrAfter, if any.
 */
export function checkConditions(assertion: Element, ctx: ConditionsContext): Date | null {
  const all = childElements(assertion, NS.assertion, 'Conditions');
  if (all.length > 1) throw new SamlError('InvalidXml', 'The Assertion contains more than one Conditions element.');
  const conditions = all[0];
  if (!conditions) {
    throw new SamlError('AudienceMismatch', 'The assertion has no Conditions/AudienceRestriction naming this service provider.');
  }
  const now = ctx.now.getTime();
  const notBefore = attr(conditions, 'NotBefore');
  if (notBefore !== null && now + ctx.skewMs < parseSamlTime(notBefore, 'Conditions NotBefore').getTime()) {
    throw new SamlError('NotYetValid', 'The assertion is not yet valid (Conditions NotBefore is in the future).');
  }
  const notOnOrAfterAttr = attr(conditions, 'NotOnOrAfter');
  const notOnOrAfter = notOnOrAfterAttr === null ? null : parseSamlTime(notOnOrAfterAttr, 'Conditions NotOnOrAfter');
  if (notOnOrAfter !== null && now - ctx.skewMs >= notOnOrAfter.getTime()) {
    throw new SamlError('Expired', 'The assertion has expired (Conditions NotOnOrAfter has passed).');
  }

  const restrictions = childElements(conditions, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) {
    throw new SamlError('AudienceMismatch', 'The assertion has no AudienceRestriction naming this service provider.');
  }
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, NS.assertion, 'Audience').map((a) => textContent(a).trim());
    if (!audiences.includes(ctx.spEntityId)) {
      throw new SamlError('AudienceMismatch', `The assertion is intended for another audience, not "${ctx.spEntityId}".`);
    }
  }
  return notOnOrAfter;
}
