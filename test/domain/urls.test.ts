import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { isHttpUrl, isLocalPath, isNavigableUrl, requireHttpUrl, requireNavigableUrl, UnsafeUrlError } from '../../src/domain/urls.js';

const ACCEPTED = [
  'https://idp.example.com/sso',
  'http://127.0.0.1:8080/saml?x=1&y=2#f',
  'HTTPS://IDP.EXAMPLE.COM/SSO',
  'HtTp://idp.example.com',
  'https://[::1]:9443/path',
  'https://idp.example.com/p%20q',
];

const REFUSED: Array<[string, unknown]> = [
  ['javascript:', 'javascript:alert(1)'],
  ['JavaScript: in mixed case', 'JaVaScRiPt:alert(1)'],
  ['javascript: after a leading space', ' javascript:alert(1)'],
  ['javascript: after a control character', '\u0001javascript:alert(1)'],
  ['a tab inside the scheme', 'java\tscript:alert(1)'],
  ['a newline inside the scheme', 'java\nscript:alert(1)'],
  ['javascript: disguised with an http-looking path', 'javascript://https://example.com/%0aalert(1)'],
  ['data:', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
  ['vbscript:', 'vbscript:msgbox(1)'],
  ['file:', 'file:///etc/passwd'],
  ['ftp:', 'ftp://example.com/'],
  ['scheme-relative', '//evil.example/'],
  ['backslash scheme-relative', '\\\\evil.example\\'],
  ['http without slashes', 'https:evil.example'],
  ['http with backslashes', 'https:\\\\evil.example'],
  ['http with one slash', 'http:/evil.example'],
  ['a trailing space', 'https://idp.example.com/ '],
  ['a leading space', ' https://idp.example.com/'],
  ['an embedded newline', 'https://idp.example.com/\nx'],
  ['a non-breaking space', 'https://idp.example.com/\u00a0'],
  ['a line separator', 'https://idp.example.com/\u2028'],
  ['no host', 'https://'],
  ['empty', ''],
  ['not a string', 42],
  ['null', null],
];

describe('isHttpUrl', () => {
  it.each(ACCEPTED)('accepts %j', (url) => {
    expect(isHttpUrl(url)).toBe(true);
  });

  it.each(REFUSED)('refuses %s', (_name, value) => {
    expect(isHttpUrl(value)).toBe(false);
  });
});

describe('isLocalPath / isNavigableUrl', () => {
  it.each(['/', '/if/user/', '/source/saml/x/acs/?a=1&b=2'])('a local path %j may be navigated to', (path) => {
    expect(isLocalPath(path)).toBe(true);
    expect(isNavigableUrl(path)).toBe(true);
  });

  it.each(['//evil.example/', '/\\evil.example/', '/\tx', 'relative/path', '', 'javascript:alert(1)'])('%j is not a local path', (value) => {
    expect(isLocalPath(value)).toBe(false);
  });

  it.each(REFUSED)('never navigable: %s', (_name, value) => {
    expect(isNavigableUrl(value)).toBe(false);
  });
});

describe('requireHttpUrl / requireNavigableUrl', () => {
  it('return the value when it qualifies', () => {
    expect(requireHttpUrl('https://idp.example.com/', 'sso_url')).toBe('https://idp.example.com/');
    expect(requireNavigableUrl('/if/user/', 'link')).toBe('/if/user/');
  });

  it('refuse with a field error, or a clear error naming what was refused', () => {
    const fieldError = (() => {
      try {
        requireHttpUrl('javascript:alert(1)', 'sso_url');
      } catch (e) {
        return e;
      }
    })();
    expect(fieldError).toBeInstanceOf(ValidationError);
    expect((fieldError as ValidationError).fields).toEqual({ sso_url: ['Enter a valid http(s) URL.'] });
    expect(() => requireNavigableUrl('javascript:alert(1)', 'form target')).toThrow(UnsafeUrlError);
    expect(() => requireNavigableUrl('javascript:alert(1)', 'form target')).toThrow(
      'The form target is not an http(s) URL; refusing to send the browser there.',
    );
  });
});
