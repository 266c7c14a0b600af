import { describe, it, expect } from 'vitest';
import { parsePatchRequest } from '../../../src/protocols/scim/patch-request.js';
import { expectScimError } from './helpers.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const req = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

describe('parsePatchRequest: envelope', () => {
  it('requires the PatchOp schema', () => {
    expectScimError(() => parsePatchRequest({ Operations: [{ op: 'add', path: 'a', value: 1 }] }), 'invalidSyntax');
    expectScimError(() => parsePatchRequest({ schemas: ['urn:x'], Operations: [{ op: 'add', path: 'a', value: 1 }] }), 'invalidSyntax');
    expectScimError(() => parsePatchRequest('nope'), 'invalidSyntax');
  });

  it('requires a non-empty Operations array', () => {
    expectScimError(() => parsePatchRequest({ schemas: [PATCH] }), 'invalidSyntax');
    expectScimError(() => parsePatchRequest({ schemas: [PATCH], Operations: [] }), 'invalidSyntax');
    expectScimError(() => parsePatchRequest({ schemas: [PATCH], Operations: {} }), 'invalidSyntax');
  });

  it('accepts any casing of member names and op values', () => {
    expect(parsePatchRequest({ Schemas: [PATCH.toUpperCase()], operations: [{ OP: 'Replace', Path: ' active ', Value: false }] })).toEqual([
      { op: 'replace', path: 'active', value: false },
    ]);
  });

  it('rejects unknown ops, non-string paths and missing values', () => {
    expect(expectScimError(() => parsePatchRequest(req({ op: 'move', path: 'a' })), 'invalidSyntax').detail).toMatch(/move/);
    expectScimError(() => parsePatchRequest(req({ path: 'a', value: 1 })), 'invalidSyntax');
    expectScimError(() => parsePatchRequest(req('add')), 'invalidSyntax');
    expectScimError(() => parsePatchRequest(req({ op: 'add', path: 5, value: 1 })), 'invalidPath');
    expectScimError(() => parsePatchRequest(req({ op: 'add', path: 'title' })), 'invalidSyntax');
  });
});
