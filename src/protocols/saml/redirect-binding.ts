import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isAllowedSignatureAlgorithm, signOctets, verifyOctets } from './algorithms.js';
import { decodeAndInflate, deflateAndEncode } from './encoding.js';
import { isHttpUrl } from '../../domain/urls.js';
import { SamlError } from './errors.js';

export type RedirectMessageParam = 'SAMLRequest' | 'SAMLResponse';

export interface RedirectSigning {
  /** PEM private key (RSA or EC) matching the algorithm family. */
  privateKey: string;
  /** XML-DSig signature method URI, e.g. `http://www.w3.org/2001/04/xmldsig-more#rsa-sha256`. */
  signatureAlgorithm: string;
}

/**
 * application/x-www-form-urlencoded with `+` for spaces and uppercase escapes (what Python's
 * `urlencode` produces, so our URLs match authentik's byte for byte).
 */
export function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The browser is sent to configured IdP endpoints: only http(s) URLs qualify. */
export function unsafeEndpoint(): SamlError {
  return new SamlError('UnsafeUrl', "The identity provider's endpoint URL is not an http(s) URL; ask an administrator to correct the source.");
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch (cause) {
    throw new SamlError('InvalidXml', 'The query string contains an invalid percent-encoding.', { cause });
  }
}

/**
 * Builds a Redirect-binding URL (SAML Bindings §3.4.4): DEFLATE + base64 message, RelayState
 * when non-empty, and — with a key — SigAlg + Signature over the exact octets
 * `SAMLRequest=…&RelayState=…&SigAlg=…` as they appear in the URL (§3.4.4.1). Parameters are
 * merged into any query the endpoint already has; stale copies of ours are dropped.
 */
export function buildRedirectUrl(opts: {
  endpoint: string;
  param: RedirectMessageParam;
  xml: string;
  relayState?: string | null;
  signing?: RedirectSigning | null;
}): string {
  if (!isHttpUrl(opts.endpoint)) throw unsafeEndpoint();
  const url = new URL(opts.endpoint);
  const ours = new Set(['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature']);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !ours.has(formDecode(pair.split('=')[0] ?? '')));

  let signed = `${opts.param}=${formEncode(deflateAndEncode(opts.xml))}`;
  if (opts.relayState) signed += `&RelayState=${formEncode(opts.relayState)}`;
  let query = signed;
  if (opts.signing) {
    signed += `&SigAlg=${formEncode(opts.signing.signatureAlgorithm)}`;
    const signature = signOctets(signed, opts.signing.privateKey, opts.signing.signatureAlgorithm);
    query = `${signed}&Signature=${formEncode(signature)}`;
  }
  const hash = url.hash;
  url.hash = '';
  url.search = '';
  return `${url.toString()}?${[...kept, query].join('&')}${hash}`;
}

export interface ParsedRedirectMessage {
  param: RedirectMessageParam;
  xml: string;
  relayState: string | null;
  sigAlg: string | null;
  /** True when a signature was present and verified with one of the given certificates. */
  signatureVerified: boolean;
}

/**
 * Reads a Redirect-binding message from the raw query string (everything after `?`). The raw
 * string matters: the signature covers the octets as the IdP encoded them, and re-encoding
 * (e.g. lowercase vs uppercase escapes) would break valid signatures (Bindings §3.4.4.1).
 *
 * With `verificationCerts` non-empty, a present signature must verify with one of them (key
 * rollover), and `requireSignature` (default true in that case) refuses unsigned messages.
 */
export function parseRedirectMessage(
  rawQuery: string,
  opts: { verificationCerts?: string[]; requireSignature?: boolean; allowSha1?: boolean } = {},
): ParsedRedirectMessage {
  const raw = new Map<string, string>();
  for (const pair of rawQuery.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = formDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (!['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature'].includes(key)) continue;
    // Two copies of a protocol parameter make "which one was signed" ambiguous.
    if (raw.has(key)) throw new SamlError('InvalidXml', `The query string contains ${key} more than once.`);
    raw.set(key, value);
  }
  const hasRequest = raw.has('SAMLRequest');
  if (hasRequest === raw.has('SAMLResponse')) {
    throw new SamlError('InvalidXml', "The request must contain exactly one of 'SAMLRequest' or 'SAMLResponse'.");
  }
  const param: RedirectMessageParam = hasRequest ? 'SAMLRequest' : 'SAMLResponse';
  const xml = decodeAndInflate(formDecode(raw.get(param) as string), param);
  const relayState = raw.has('RelayState') ? formDecode(raw.get('RelayState') as string) : null;
  const sigAlg = raw.has('SigAlg') ? formDecode(raw.get('SigAlg') as string) : null;

  const certs = opts.verificationCerts ?? [];
  let signatureVerified = false;
  if (certs.length > 0) {
    const signature = raw.get('Signature');
    if (signature === undefined || sigAlg === null) {
      if (opts.requireSignature ?? true) {
        throw new SamlError('InvalidSignature', `The ${param} is not signed (no Signature/SigAlg query parameters).`);
      }
    } else {
      if (!isAllowedSignatureAlgorithm(sigAlg, opts.allowSha1 ?? true)) {
        throw new SamlError('InvalidSignature', `The signature algorithm ${sigAlg} is not allowed.`);
      }
      let octets = `${param}=${raw.get(param)}`;
      if (raw.has('RelayState')) octets += `&RelayState=${raw.get('RelayState')}`;
      octets += `&SigAlg=${raw.get('SigAlg')}`;
      const sigB64 = formDecode(signature);
      signatureVerified = certs.some((pem) => verifyOctets(octets, publicKeyOf(pem), sigAlg, sigB64));
      if (!signatureVerified) {
        throw new SamlError('InvalidSignature', `The ${param} signature could not be verified with the configured certificates.`);
      }
    }
  }
  return { param, xml, relayState, sigAlg, signatureVerified };
}

function publicKeyOf(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (cause) {
    throw new SamlError('InvalidSignature', 'A configured verification certificate is not a valid PEM certificate.', { cause });
  }
}
