import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SamlError } from '../../../src/protocols/saml/errors.js';
import type { SamlErrorReason } from '../../../src/protocols/saml/errors.js';
import { validateSamlResponse } from '../../../src/protocols/saml/response-validator.js';
import type { SamlResponseValidationConfig } from '../../../src/protocols/saml/response-validator.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/saml');

interface CorpusEntry {
  file: string;
  attack: string;
  encoding: 'base64' | 'raw';
  expect: { reason: SamlErrorReason } | { accept: true; nameId: string; attributes?: Record<string, string[]> };
  config: Record<string, unknown>;
}

const corpus = JSON.parse(readFileSync(join(DIR, 'corpus.json'), 'utf8')) as { defaults: Record<string, unknown>; cases: CorpusEntry[] };

/** Corpus configs name keys by path (`keys/idp.crt`); everything else is literal. */
function resolve(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('keys/')) return readFileSync(join(DIR, value), 'utf8');
  if (Array.isArray(value)) return value.map(resolve);
  return value;
}

function configFor(entry: CorpusEntry): SamlResponseValidationConfig {
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...corpus.defaults, ...entry.config })) merged[k] = resolve(v);
  return { ...(merged as unknown as SamlResponseValidationConfig), now: new Date(merged.now as string) };
}

function samlResponseOf(entry: CorpusEntry): string {
  const content = readFileSync(join(DIR, entry.file));
  return entry.encoding === 'raw' ? content.toString('utf8') : content.toString('base64');
}

describe('SAML attack corpus', () => {
  it('has at least 30 malicious or malformed responses and some accepted controls', () => {
    expect(corpus.cases.filter((c) => 'reason' in c.expect).length).toBeGreaterThanOrEqual(30);
    expect(corpus.cases.filter((c) => 'accept' in c.expect).length).toBeGreaterThanOrEqual(1);
  });

  it.each(corpus.cases.filter((c) => 'reason' in c.expect).map((c) => [c.file, c] as const))('rejects %s', (_file, entry) => {
    let error: unknown;
    let nameId: string | undefined;
    try {
      nameId = validateSamlResponse(samlResponseOf(entry), configFor(entry)).nameId;
    } catch (e) {
      error = e;
    }
    expect(nameId, `${entry.file} was accepted (${entry.attack})`).toBeUndefined();
    expect(error).toBeInstanceOf(SamlError);
    expect((error as SamlError).reason).toBe((entry.expect as { reason: string }).reason);
    expect((error as SamlError).message.length).toBeGreaterThan(10);
  });

  it.each(corpus.cases.filter((c) => 'accept' in c.expect).map((c) => [c.file, c] as const))(
    'accepts control %s with the full values',
    (_file, entry) => {
      const expected = entry.expect as { nameId: string; attributes?: Record<string, string[]> };
      const result = validateSamlResponse(samlResponseOf(entry), configFor(entry));
      expect(result.nameId).toBe(expected.nameId);
      if (expected.attributes) expect(result.attributes).toMatchObject(expected.attributes);
    },
  );
});
