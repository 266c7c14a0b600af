import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors/index.js';
import { basicAuthorization, exchangeCode } from '../../../src/protocols/oauth/index.js';
import type { CodeExchangeInput, OAuthSourceConfig } from '../../../src/protocols/oauth/index.js';
import { bodyText, requestUrl } from '../../support/fetch-calls.js';

const source: OAuthSourceConfig = {
  providerType: 'openidconnect',
  consumerKey: 'client',
  consumerSecret: 'secret',
  accessTokenUrl: 'https://idp.example/token',
};

/** A fetch port answering every request with `response` and remembering the request. */
function stub(response: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const port: typeof fetch = async (url, init) => {
    calls.push({ url: requestUrl(url), init: init ?? {} });
    return response();
  };
  return { port, calls };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function input(port: typeof fetch, extra: Partial<CodeExchangeInput> = {}): CodeExchangeInput {
  return { type: 'openidconnect', source, code: 'c0de', callbackUrl: 'https://rp.example/cb/', fetch: port, ...extra };
}

async function reason(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProtocolError);
  expect((err as ProtocolError).protocol).toBe('oauth');
  return (err as Error).message;
}

describe('basicAuthorization (RFC 6749 §2.3.1)', () => {
  it('form-urlencodes id and secret before base64', () => {
    const header = basicAuthorization('my client', 'p:w/d+é');
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('my+client:p%3Aw%2Fd%2B%C3%A9');
  });
});

describe('exchangeCode', () => {
  it('POSTs the form with Accept: application/json and normalises the response', async () => {
    const { port, calls } = stub(() =>
      json({ access_token: 'at', token_type: 'Bearer', expires_in: '3600', refresh_token: 'rt', id_token: 'a.b.c' }),
    );
    const token = await exchangeCode(input(port, { codeVerifier: 'verifier' }));
    expect(token).toEqual({
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresIn: 3600,
      refreshToken: 'rt',
      idToken: 'a.b.c',
      scope: undefined,
      raw: { access_token: 'at', token_type: 'Bearer', expires_in: '3600', refresh_token: 'rt', id_token: 'a.b.c' },
    });
    const [{ url, init }] = calls;
    expect(url).toBe('https://idp.example/token');
    expect(init.method).toBe('POST');
    const headers = new Headers(init.headers);
    expect(headers.get('accept')).toBe('application/json');
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(bodyText(init.body)))).toEqual({
      grant_type: 'authorization_code',
      redirect_uri: 'https://rp.example/cb/',
      code: 'c0de',
      code_verifier: 'verifier',
    });
  });

  it('defaults the token type to Bearer', async () => {
    const { port } = stub(() => json({ access_token: 'at' }));
    expect((await exchangeCode(input(port))).tokenType).toBe('Bearer');
  });

  it('an error response gives error_description, else error, as the reason', async () => {
    expect(await reason(exchangeCode(input(stub(() => json({ error: 'invalid_grant', error_description: 'Code expired' }, 400)).port)))).toBe(
      'Code expired',
    );
    expect(await reason(exchangeCode(input(stub(() => json({ error: 'invalid_client' }, 401)).port)))).toBe('invalid_client');
    // GitHub reports errors with HTTP 200
    expect(await reason(exchangeCode(input(stub(() => json({ error: 'bad_verification_code' })).port)))).toBe('bad_verification_code');
  });

  it('HTTP failure without an error body → "Could not retrieve token."', async () => {
    const html = () => new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } });
    expect(await reason(exchangeCode(input(stub(html).port)))).toBe('Could not retrieve token.');
  });

  it('network failure → "Could not retrieve token."', async () => {
    const port: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await reason(exchangeCode(input(port)))).toBe('Could not retrieve token.');
  });

  it('a success without access_token → "Could not retrieve token."', async () => {
    expect(await reason(exchangeCode(input(stub(() => json({ token_type: 'Bearer' })).port)))).toBe('Could not retrieve token.');
    expect(await reason(exchangeCode(input(stub(() => json(['not', 'an', 'object'])).port)))).toBe('Could not retrieve token.');
  });

  it('times out through the abort signal', async () => {
    const port: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    expect(await reason(exchangeCode(input(port, { limits: { timeoutMs: 30 } })))).toBe('Could not retrieve token.');
  });

  it('refuses oversized responses', async () => {
    const big = () => json({ access_token: 'x'.repeat(5000) });
    expect(await reason(exchangeCode(input(stub(big).port, { limits: { maxBytes: 1000 } })))).toBe('Could not retrieve token.');
  });

  it('no token URL → "Could not retrieve token." without any request', async () => {
    const { port, calls } = stub(() => json({}));
    expect(await reason(exchangeCode(input(port, { source: { ...source, accessTokenUrl: '' } })))).toBe('Could not retrieve token.');
    expect(calls).toHaveLength(0);
  });

  it('the generic default type has no token URL', async () => {
    const { port, calls } = stub(() => json({}));
    const unknown = { ...source, providerType: 'something-new' };
    expect(await reason(exchangeCode(input(port, { type: 'something-new', source: unknown })))).toBe('Could not retrieve token.');
    expect(calls).toHaveLength(0);
  });

  it('slack: ok:false error is the reason; top-level bot token kept when there is no authed_user token', async () => {
    const slack = { ...source, providerType: 'slack' };
    expect(await reason(exchangeCode(input(stub(() => json({ ok: false, error: 'invalid_code' })).port, { type: 'slack', source: slack })))).toBe(
      'invalid_code',
    );
    const token = await exchangeCode(
      input(stub(() => json({ ok: true, access_token: 'xoxb', token_type: 'bot' })).port, { type: 'slack', source: slack }),
    );
    expect(token).toMatchObject({ accessToken: 'xoxb', tokenType: 'Bearer' });
  });
});
