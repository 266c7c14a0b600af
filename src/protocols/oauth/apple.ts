/**
 * Sign in with Apple specifics: the `services_id;team_id;key_id` consumer key
 * and the ES256 client-secret JWT signed with the source's private key.
 */
import { importPKCS8, SignJWT } from 'jose';
import { randomState } from 'openid-client';
import { oauthError } from './errors.js';
import type { Clock, OAuthSourceConfig } from './types.js';

const APPLE_AUDIENCE = 'https://appleid.apple.com';
/** Apple accepts client secrets valid for at most ~6 months. */
const APPLE_SECRET_LIFETIME_SECONDS = 180 * 24 * 60 * 60;

export interface AppleConsumerKey {
  servicesId: string;
  teamId: string;
  keyId: string;
}

export const APPLE_KEY_FORMAT_ERROR = "Apple consumer key must have the form 'services_id;team_id;key_id'.";

/** Parse `services_id;team_id;key_id`; `null` when malformed (fewer than 3 non-empty parts). */
export function parseAppleConsumerKey(consumerKey: string): AppleConsumerKey | null {
  const parts = consumerKey.split(';').map((s) => s.trim());
  if (parts.length < 3 || parts.slice(0, 3).some((s) => s === '')) return null;
  return { servicesId: parts[0], teamId: parts[1], keyId: parts[2] };
}

/** The OAuth client id: the services id, or the raw key when it is malformed (as upstream does). */
export function appleClientId(consumerKey: string): string {
  return parseAppleConsumerKey(consumerKey)?.servicesId ?? consumerKey;
}

/** ES256 JWT: header kid = key_id; iss = team_id, sub = services_id, aud = Apple, exp = +180 d. */
export async function createAppleClientSecret(input: { consumerKey: string; privateKeyPem: string; now?: Clock }): Promise<string> {
  const key = parseAppleConsumerKey(input.consumerKey);
  if (!key) throw oauthError(APPLE_KEY_FORMAT_ERROR, 'apple_consumer_key_malformed');
  let privateKey: CryptoKey;
  try {
    privateKey = await importPKCS8(input.privateKeyPem.trim(), 'ES256');
  } catch (cause) {
    throw oauthError('Apple private key (consumer secret) is not a PKCS#8 P-256 key.', 'apple_private_key_invalid', cause);
  }
  const iat = Math.floor((input.now ?? (() => new Date()))().getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.keyId })
    .setIssuer(key.teamId)
    .setSubject(key.servicesId)
    .setAudience(APPLE_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + APPLE_SECRET_LIFETIME_SECONDS)
    .sign(privateKey);
}

/**
 * Data for the native "Sign in with Apple" JS button: the caller stores `state` in
 * its flow state exactly like a redirect login's state.
 */
export function appleNativeChallenge(source: OAuthSourceConfig, callbackUrl: string) {
  return {
    client_id: appleClientId(source.consumerKey),
    scope: 'name email',
    redirect_uri: callbackUrl,
    state: randomState(),
  };
}
