/**
 * Step 1 of an OAuth login (docs/behaviour.md#oauth-login-start): build the authorization request
 * and remember its state, nonce and PKCE verifier in the database, bound to this browser session
 * and source, for ten minutes and one use.
 */
import { asProviderType, buildAuthorizationRequest, usesOAuth1 } from '../../protocols/oauth/index.js';
import { NotFoundError, ProtocolError } from '../../errors/index.js';
import type { OAuthSource } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';
import type { FlowOutcome } from '../../services/flows/plan.js';
import { oauthCallbackUrl, oauthSourceConfig } from './source-config.js';

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

export function stateKey(ctx: ServiceContext, state: string): string {
  return ctx.box.lookupDigest(`oauth-state:${state}`);
}

export async function enabledOAuthSource(ctx: ServiceContext, slug: string): Promise<OAuthSource> {
  const source = await ctx.store.repos.kindSources.oauth.bySlug(slug);
  // Disabled sources answer exactly like unknown ones (docs/behaviour.md#disabled-sources).
  if (!source || !source.enabled) throw new NotFoundError(`source ${slug} is not enabled`);
  return source;
}

export async function startOAuthLogin(
  ctx: ServiceContext,
  input: { slug: string; sessionId: string; baseUrl: string; next: string | null; loginHint?: string | null },
): Promise<FlowOutcome> {
  const source = await enabledOAuthSource(ctx, input.slug);
  const config = oauthSourceConfig(source, (await ctx.store.repos.kindSources.oauth.secret(source.uuid, 'consumer_secret')) ?? '');
  if (usesOAuth1(asProviderType(source.settings.provider_type), config)) {
    throw new ProtocolError('oauth', 'OAuth 1.0 sources are not supported.', { code: 'oauth1_unsupported' });
  }
  const request = await buildAuthorizationRequest({
    type: source.settings.provider_type,
    source: config,
    callbackUrl: oauthCallbackUrl(input.baseUrl, source.slug),
    loginHint: input.loginHint ?? null,
  });
  if (request.configurationError) {
    await ctx.store.repos.events.record({ action: 'configuration_error', context: { message: request.configurationError, source: source.name } });
  }
  await ctx.store.repos.flowStates.put(stateKey(ctx, request.state), {
    kind: 'oauth',
    sessionDigest: ctx.box.lookupDigest(input.sessionId),
    sourceUuid: source.uuid,
    data: {
      nonce: request.nonce ?? null,
      codeVerifier: request.codeVerifier ? ctx.box.encrypt(request.codeVerifier) : null,
      next: input.next,
    },
    expires: new Date(ctx.clock.now().getTime() + OAUTH_STATE_TTL_MS),
  });
  return { kind: 'redirect', location: request.url };
}
