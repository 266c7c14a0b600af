import { describe, expect, it } from 'vitest';
import { UnsafeUrlError } from '../../src/domain/urls.js';
import { AUTO_SUBMIT_SCRIPT, PAGE_STYLE, autoSubmitPage, formPage, messagePage } from '../../src/ui/pages.js';

const SCRIPT_URLS = [
  'javascript:alert(document.cookie)',
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  '//evil.example/',
];

describe('autoSubmitPage', () => {
  it('renders a form posting to an http(s) URL, and names that target for the CSP', () => {
    const page = autoSubmitPage({
      title: 'Go',
      action: 'https://idp.example/sso?x=1&y=2',
      fields: { SAMLRequest: 'abc', RelayState: '/next' },
      auto: true,
    });
    expect(page.formTarget).toBe('https://idp.example/sso?x=1&y=2');
    expect(page.html).toContain('<form method="post" action="https://idp.example/sso?x=1&amp;y=2">');
    expect(page.html).toContain(`<script>${AUTO_SUBMIT_SCRIPT}</script>`);
    expect(page.html).toContain(`<style>${PAGE_STYLE}</style>`);
  });

  it('has no script when it does not submit itself', () => {
    expect(autoSubmitPage({ title: 'Go', action: '/local/', fields: {}, auto: false }).html).not.toContain('<script');
  });

  it.each(SCRIPT_URLS)('refuses to render a form posting to %j', (action) => {
    expect(() => autoSubmitPage({ title: 'Go', action, fields: { a: 'b' }, auto: true })).toThrow(UnsafeUrlError);
  });
});

describe('formPage and messagePage', () => {
  it.each(SCRIPT_URLS)('refuse %j as form action or link', (url) => {
    expect(() => formPage({ title: 'T', action: url, csrf: 'c', fields: [], submit: 'Go' })).toThrow(UnsafeUrlError);
    expect(() => messagePage('T', 'm', [], { href: url, label: 'Back' })).toThrow(UnsafeUrlError);
  });

  it('accept local paths and http(s) URLs', () => {
    expect(formPage({ title: 'T', action: '/if/flow/x/?next=%2F', csrf: 'c', fields: [], submit: 'Go' })).toContain('action="/if/flow/x/?next=%2F"');
    expect(messagePage('T', 'm', [], { href: 'https://example.com/', label: 'Back' })).toContain('href="https://example.com/"');
  });
});
