/** Client id / secret as sent to the provider (Apple derives both from its consumer key/secret). */
import { appleClientId, createAppleClientSecret } from './apple.js';
import type { ProviderType } from './provider-types.js';
import type { Clock, OAuthSourceConfig } from './types.js';

export function resolveClientId(type: ProviderType, source: OAuthSourceConfig): string {
  return type.name === 'apple' ? appleClientId(source.consumerKey) : source.consumerKey;
}

export async function resolveClientSecret(type: ProviderType, source: OAuthSourceConfig, now?: Clock): Promise<string> {
  if (type.name !== 'apple') return source.consumerSecret;
  return createAppleClientSecret({
    consumerKey: source.consumerKey,
    privateKeyPem: source.consumerSecret,
    now,
  });
}
