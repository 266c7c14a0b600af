import { describe, expect, it } from 'vitest';
import { redactedRequestSerializer, redactSecretsInText, redactUrl } from '../../src/http/log-redaction.js';

describe('redactUrl', () => {
  it.each([
    ['/source/oauth/callback/x/?code=abc&state=def', '/source/oauth/callback/x/?code=[redacted]&state=[redacted]'],
    ['/source/saml/x/acs/?SAMLResponse=PHNhbWw%2B&RelayState=%2Fif%2Fuser%2F', '/source/saml/x/acs/?SAMLResponse=[redacted]&RelayState=[redacted]'],
    ['/source/saml/x/?samlrequest=abc&SigAlg=rsa&Signature=sig', '/source/saml/x/?samlrequest=[redacted]&SigAlg=rsa&Signature=sig'],
    [
      '/x?access_token=t&refresh_token=r&id_token=i&token=k&client_secret=s&password=p',
      '/x?access_token=[redacted]&refresh_token=[redacted]&id_token=[redacted]&token=[redacted]&client_secret=[redacted]&password=[redacted]',
    ],
    ['/x?next=%2Fif%2Fuser%2F&page=2', '/x?next=%2Fif%2Fuser%2F&page=2'],
    ['/x?c%6Fde=abc', '/x?c%6Fde=[redacted]'],
    ['/x?code=', '/x?code=[redacted]'],
    ['/x?code', '/x?code'],
    ['/x', '/x'],
    ['https://idp.example/cb?state=s#code=frag', 'https://idp.example/cb?state=[redacted]#code=frag'],
    ['/x?%E0%A4%A=1&code=2', '/x?%E0%A4%A=1&code=[redacted]'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactSecretsInText', () => {
  it('rewrites secret query values wherever a URL appears in text, JSON-escaped or not', () => {
    expect(redactSecretsInText('Route GET:/cb/?code=abc123&state=xyz not found')).toBe('Route GET:/cb/?code=[redacted]&state=[redacted] not found');
    expect(redactSecretsInText('{"msg":"fetch https://h/t?x=1&access_token=a\\"b\\\\c&y=2 failed"}')).toBe(
      '{"msg":"fetch https://h/t?x=1&access_token=[redacted]&y=2 failed"}',
    );
    expect(redactSecretsInText('no secrets here: ?next=/x&code_challenge=abc')).toBe('no secrets here: ?next=/x&code_challenge=abc');
  });
});

describe('redactedRequestSerializer', () => {
  it("serialises Fastify's request fields with the URL redacted", () => {
    expect(redactedRequestSerializer({ method: 'GET', url: '/cb?code=1', host: 'h', ip: '192.0.2.1', socket: { remotePort: 4 } })).toEqual({
      method: 'GET',
      url: '/cb?code=[redacted]',
      host: 'h',
      remoteAddress: '192.0.2.1',
      remotePort: 4,
    });
  });
});
