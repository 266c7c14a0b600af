import { decodeProtectedHeader, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  APPLE_KEY_FORMAT_ERROR,
  appleClientId,
  appleNativeChallenge,
  createAppleClientSecret,
  parseAppleConsumerKey,
} from '../../../src/protocols/oauth/index.js';

let pem: string;
let publicKey: CryptoKey;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  pem = await exportPKCS8(pair.privateKey);
  publicKey = pair.publicKey;
});

describe('apple consumer key', () => {
  it('parses services_id;team_id;key_id', () => {
    expect(parseAppleConsumerKey('com.example.web;TEAM123;KEY456')).toEqual({ servicesId: 'com.example.web', teamId: 'TEAM123', keyId: 'KEY456' });
    expect(appleClientId('com.example.web;TEAM123;KEY456')).toBe('com.example.web');
  });
  it.each(['com.example.web', 'a;b', 'a;;c', ''])('%j is malformed; the raw key is the client id', (key) => {
    expect(parseAppleConsumerKey(key)).toBeNull();
    expect(appleClientId(key)).toBe(key);
  });
});

describe('createAppleClientSecret', () => {
  it('is an ES256 JWT with kid=key_id, iss=team_id, sub=services_id, aud=Apple, exp=+180 days', async () => {
    const now = new Date('2030-06-01T00:00:00Z');
    const jwt = await createAppleClientSecret({ consumerKey: 'com.example.web;TEAM123;KEY456', privateKeyPem: pem, now: () => now });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'KEY456' });
    const { payload } = await jwtVerify(jwt, publicKey, {
      currentDate: now,
      audience: 'https://appleid.apple.com',
      issuer: 'TEAM123',
      subject: 'com.example.web',
    });
    expect(payload.iat).toBe(now.getTime() / 1000);
    expect(payload.exp! - payload.iat!).toBe(180 * 24 * 3600);
  });
  it('a malformed consumer key is a clear error', async () => {
    await expect(createAppleClientSecret({ consumerKey: 'com.example.web', privateKeyPem: pem })).rejects.toThrow(APPLE_KEY_FORMAT_ERROR);
  });
  it('a bad private key is a clear error', async () => {
    await expect(createAppleClientSecret({ consumerKey: 'a;b;c', privateKeyPem: 'not a key' })).rejects.toThrow(/PKCS#8/);
  });
});

describe('appleNativeChallenge', () => {
  it('carries client id, scope, redirect uri and a fresh state', () => {
    const source = { providerType: 'apple', consumerKey: 'svc;team;key', consumerSecret: pem };
    const a = appleNativeChallenge(source, 'https://rp.example/cb/');
    const b = appleNativeChallenge(source, 'https://rp.example/cb/');
    expect(a).toMatchObject({ client_id: 'svc', scope: 'name email', redirect_uri: 'https://rp.example/cb/' });
    expect(a.state.length).toBeGreaterThanOrEqual(32);
    expect(a.state).not.toBe(b.state);
  });
});
