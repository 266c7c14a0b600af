import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import {
  DEFAULT_USER_PATH,
  DEFAULT_USER_PATH_TEMPLATE,
  assertValidUserPathTemplate,
  formatPythonMapping,
  renderUserPath,
  tryRenderUserPath,
  userPathError,
} from '../../src/domain/user-path.js';

describe('renderUserPath', () => {
  it('renders the default template', () => {
    expect(renderUserPath(DEFAULT_USER_PATH_TEMPLATE, { slug: 'github' })).toBe('goauthentik.io/sources/github');
  });

  it('substitutes every occurrence and handles %%', () => {
    expect(renderUserPath('a/%(slug)s/b/%(slug)s', { slug: 'x' })).toBe('a/x/b/x');
    expect(renderUserPath('100%%/%(slug)s', { slug: 'x' })).toBe('100%/x');
    expect(renderUserPath('plain/path', { slug: 'x' })).toBe('plain/path');
  });

  it('supports Python repr and width/precision like %-formatting does', () => {
    expect(formatPythonMapping('%(slug)r', { slug: 'x' })).toEqual({ ok: true, path: "'x'" });
    expect(formatPythonMapping('%(slug).3s', { slug: 'github' })).toEqual({ ok: true, path: 'git' });
    expect(formatPythonMapping('%(slug)-4s|', { slug: 'ab' })).toEqual({ ok: true, path: 'ab  |' });
    expect(formatPythonMapping('%(slug)4s', { slug: 'ab' })).toEqual({ ok: true, path: '  ab' });
  });

  it.each([
    ['unknown key', 'sources/%(name)s'],
    ['unnamed conversion', 'sources/%s'],
    ['trailing percent', 'sources/%'],
    ['unclosed key', 'sources/%(slug'],
    ['missing conversion', 'sources/%(slug)'],
    ['numeric conversion of text', 'sources/%(slug)d'],
    ['leading slash', '/sources/%(slug)s'],
    ['trailing slash', 'sources/%(slug)s/'],
    ['empty segment', 'sources//%(slug)s'],
    ['empty result', ''],
  ])('falls back to "users" on %s', (_label, template) => {
    expect(renderUserPath(template, { slug: 'x' })).toBe(DEFAULT_USER_PATH);
    const r = tryRenderUserPath(template, { slug: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  });
});

describe('userPathError', () => {
  it('accepts nested paths and rejects malformed ones', () => {
    expect(userPathError('users')).toBeNull();
    expect(userPathError('goauthentik.io/sources/x')).toBeNull();
    expect(userPathError('/x')).toMatch(/leading or trailing/);
    expect(userPathError('x/')).toMatch(/leading or trailing/);
    expect(userPathError('a//b')).toMatch(/empty segments/);
    expect(userPathError('')).toMatch(/empty/);
  });
});

describe('assertValidUserPathTemplate', () => {
  it('throws a field error for a template that would fall back', () => {
    expect(() => assertValidUserPathTemplate(DEFAULT_USER_PATH_TEMPLATE)).not.toThrow();
    try {
      assertValidUserPathTemplate('x/%(nope)s');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fields.user_path_template?.[0]).toMatch(/unknown key 'nope'/);
    }
  });
});
