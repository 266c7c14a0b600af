/**
 * Step 2 of an OAuth login (docs/behaviour.md#oauth-callback): check the state (single use, this
 * browser, this source, unexpired), exchange the code, fetch and verify the profile, build
 * properties, and hand the identity to the flow manager. Nothing is written before the identity is
 * known to be valid.
 */
import { droppedGroupsMessage } from '../../domain/properties.js';
import { exchangeCode, extractIdentity, fetchProfile, readAuthorizationResponse } from '../../protocols/oauth/index.js';
import type { ServiceContext } from '../../services/context.js';
import { buildIdentityProperties } from '../../services/flows/identity-properties.js';
import type { FlowOutcome, FlowSession } from '../../services/flows/plan.js';
import { handleExternalIdentity } from '../../services/flows/source-flow-manager.js';
import { oauthCallbackUrl, oauthSourceConfig } from './source-config.js';
import { enabledOAuthSource, stateKey } from './start-login.js';

export async function completeOAuthLogin(
  ctx: ServiceContext,
  session: FlowSession,
  input: { slug: string; sessionId: string | null; baseUrl: string; params: Record<string, string | undefined> },
): Promise<FlowOutcome> {
  const source = await enabledOAuthSource(ctx, input.slug);
  const repos = ctx.store.repos;
  const returnedState = typeof input.params.state === 'string' ? input.params.state : null;
  const stored = returnedState ? await repos.flowStates.take(stateKey(ctx, returnedState), ctx.clock.now()) : null;
  const bound =
    stored !== null &&
    stored.kind === 'oauth' &&
    stored.sourceUuid === source.uuid &&
    input.sessionId !== null &&
    stored.sessionDigest === ctx.box.lookupDigest(input.sessionId);
  // A state that is missing, reused, expired, from another browser or another source fails alike.
  const { code } = readAuthorizationResponse({ params: input.params, expectedState: bound ? returnedState : null });

  const config = oauthSourceConfig(source, (await repos.kindSources.oauth.secret(source.uuid, 'consumer_secret')) ?? '');
  const callbackUrl = oauthCallbackUrl(input.baseUrl, source.slug);
  const type = source.settings.provider_type;
  const data = stored!.data as { nonce: string | null; codeVerifier: string | null; next: string | null };
  const now = () => ctx.clock.now();
  const token = await exchangeCode({
    type,
    source: config,
    code,
    callbackUrl,
    codeVerifier: data.codeVerifier ? ctx.box.decrypt(data.codeVerifier) : null,
    fetch: ctx.fetch,
    now,
  });
  const profile = await fetchProfile({
    type,
    source: config,
    token,
    fetch: ctx.fetch,
    now,
    nonce: data.nonce,
    expectedIssuer: source.settings.oidc_issuer || null,
  });
  if (profile.refreshedJwks) {
    // The IdP rotated its keys: keep the fresh set so the next login verifies without a refetch.
    await repos.kindSources.oauth.update(source.uuid, {}, { oidc_jwks: profile.refreshedJwks as unknown as Record<string, unknown> });
  }
  const extracted = extractIdentity(type, profile.profile, { fallbackEmail: profile.fallbackEmail, groupNames: profile.groupNames });
  if (extracted.droppedGroups > 0) {
    // The claim is normalised before the mappings run, so buildIdentityProperties never sees
    // these entries: report them here (docs/behaviour.md#property-mappings, step 4) and let the
    // login go on without them.
    await repos.events.record({
      action: 'configuration_error',
      context: { message: droppedGroupsMessage(source.name, extracted.droppedGroups), source: source.name },
    });
  }
  const { properties, groups } = await buildIdentityProperties(ctx, source, {
    baseProperties: extracted.properties,
    groupNames: extracted.groupNames,
    context: {
      info: profile.profile,
      token: { token_type: token.tokenType, expires_in: token.expiresIn ?? null, scope: token.scope ?? null },
      oauth_userinfo: profile.profile,
    },
  });
  return handleExternalIdentity(
    ctx,
    session,
    source,
    {
      identifier: extracted.identifier,
      properties,
      groups,
      emailVerified: profile.emailVerified,
      tokens: { accessToken: token.accessToken, refreshToken: token.refreshToken ?? null, expiresInSeconds: token.expiresIn ?? null },
    },
    data.next,
  );
}
