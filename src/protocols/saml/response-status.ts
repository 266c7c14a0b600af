import type { Element } from '@xmldom/xmldom';
import { STATUS } from './constants.js';
import { SamlError } from './errors.js';
import { NS, attr, childElements, firstChildElement, textContent } from './xml.js';

/**
 * SAML Core §3.2.2: a non-Success top-level StatusCode means the IdP refused to authenticate.
 * The user sees the IdP's StatusMessage and StatusDetail text (SAML Core §3.2.2); a Success
 * status that also carries a StatusMessage is fine.
 */
export function checkStatus(response: Element): void {
  const statuses = childElements(response, NS.protocol, 'Status');
  if (statuses.length !== 1) {
    throw new SamlError('InvalidXml', 'The SAML Response must contain exactly one Status element.');
  }
  const status = statuses[0];
  const code = firstChildElement(status, NS.protocol, 'StatusCode');
  const value = code ? attr(code, 'Value') : null;
  if (!code || !value) throw new SamlError('InvalidXml', 'The SAML Response Status has no StatusCode value.');
  if (value === STATUS.success) return;

  const sub = firstChildElement(code, NS.protocol, 'StatusCode');
  const subValue = sub ? attr(sub, 'Value') : null;
  const codes = [value, subValue]
    .filter((v): v is string => !!v)
    .map(shortStatus)
    .join('/');
  const message = firstChildElement(status, NS.protocol, 'StatusMessage');
  const detail = firstChildElement(status, NS.protocol, 'StatusDetail');
  const texts = [message, detail].map((el) => (el ? collapse(textContent(el)) : '')).filter((t) => t !== '');
  const suffix = texts.length > 0 ? `: ${texts.join(' — ')}` : '.';
  throw new SamlError('StatusError', `The identity provider returned an error status (${codes})${suffix}`);
}

function shortStatus(urn: string): string {
  return urn.startsWith('urn:oasis:names:tc:SAML:2.0:status:') ? urn.slice('urn:oasis:names:tc:SAML:2.0:status:'.length) : urn;
}

function collapse(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 500 ? `${t.slice(0, 500)}…` : t;
}
