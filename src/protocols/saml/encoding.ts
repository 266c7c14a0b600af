import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SamlError } from './errors.js';

/** Inflated Redirect-binding messages larger than this are refused (zip-bomb guard). */
const MAX_INFLATED_BYTES = 512 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict base64 decoding. Node's decoder silently skips invalid characters, which would let two
 * different form values decode to the same message; we refuse anything but base64 and
 * whitespace (IdPs wrap lines at 64/76 characters).
 */
export function decodeBase64(value: string, what: string): Buffer {
  const compact = value.replace(/[\r\n\t ]+/g, '');
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new SamlError('InvalidXml', `${what} is not valid base64.`);
  }
  return Buffer.from(compact, 'base64');
}

export function encodeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** SAML Bindings §3.4.4.1: DEFLATE (raw, RFC 1951) then base64. */
export function deflateAndEncode(xml: string): string {
  return deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');
}

export function decodeAndInflate(value: string, what: string): string {
  const raw = decodeBase64(value, what);
  try {
    return inflateRawSync(raw, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch (cause) {
    throw new SamlError('InvalidXml', `${what} is not a valid DEFLATE-compressed message.`, { cause });
  }
}

/** `_` + 40 hex characters: an xs:ID (must not start with a digit) with 160 bits of entropy. */
export function newSamlId(randomBytes: (size: number) => Uint8Array): string {
  return `_${Buffer.from(randomBytes(20)).toString('hex')}`;
}

/** SAML Core §1.3.3: xs:dateTime in UTC, written without fractional seconds. */
export function samlTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

const DATE_TIME = /^(-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses an xs:dateTime attribute. SAML Core §1.3.3 requires UTC; a value without a zone is read
 * as UTC rather than local time so validation never depends on the server's time zone.
 */
export function parseSamlTime(value: string, what: string): Date {
  const m = DATE_TIME.exec(value.trim());
  if (!m) throw new SamlError('InvalidXml', `${what} is not a valid xs:dateTime: "${value.slice(0, 40)}".`);
  const fraction = m[2] ? m[2].slice(0, 4) : '';
  const ms = Date.parse(`${m[1]}${fraction}${m[3] ?? 'Z'}`);
  if (Number.isNaN(ms)) throw new SamlError('InvalidXml', `${what} is not a valid xs:dateTime: "${value.slice(0, 40)}".`);
  return new Date(ms);
}
