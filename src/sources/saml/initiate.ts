/**
 * GET /source/saml/<slug>/ — SP-initiated SSO (docs/behaviour.md#saml-authnrequest): build the
 * AuthnRequest for the source's binding, remember its ID for this browser session, and tell the
 * route how to send the browser to the IdP (redirect, or a form the browser posts).
 */
import { createAuthnRequest } from '../../protocols/saml/index.js';
import type { SamlBindingType } from '../../protocols/saml/index.js';
import { ProtocolError } from '../../errors/index.js';
import type { ServiceContext } from '../../services/context.js';
import type { FlowOutcome } from '../../services/flows/plan.js';
import { rememberAuthnRequest } from './request-state.js';
import { enabledSamlSource, samlEndpoints, signingKey, spEntityId } from './source-config.js';

/** A page with a form that posts `fields` to `action` (the IdP), by itself when `auto`. */
export interface PostFormOutcome {
  kind: 'form';
  title: string;
  intro?: string;
  action: string;
  fields: Record<string, string>;
  auto: boolean;
}

export type SamlInitiateOutcome = FlowOutcome | PostFormOutcome;

const BINDINGS: readonly SamlBindingType[] = ['REDIRECT', 'POST', 'POST_AUTO'];

export async function startSamlLogin(
  ctx: ServiceContext,
  input: { slug: string; sessionId: string; baseUrl: string; next: string | null },
): Promise<SamlInitiateOutcome> {
  const source = await enabledSamlSource(ctx, input.slug);
  const s = source.settings;
  const binding = BINDINGS.find((b) => b === s.binding_type) ?? 'REDIRECT';
  const signing = await signingKey(ctx, source);
  let request;
  try {
    request = createAuthnRequest(
      {
        ssoUrl: s.sso_url,
        acsUrl: samlEndpoints(input.baseUrl, source.slug).acs,
        spEntityId: spEntityId(source, input.baseUrl),
        nameIdPolicy: s.name_id_policy,
        forceAuthn: s.force_authn,
        binding,
        signing,
      },
      // RelayState carries only a same-origin path, already vetted by the route.
      { now: ctx.clock.now(), relayState: input.next ?? '' },
    );
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    // A bad key or algorithm must not become a 500: a signing failure is a 400 page.
    throw new ProtocolError('saml', `Failed to sign the authentication request: ${e instanceof Error ? e.message : String(e)}`, {
      code: 'saml_signing',
      cause: e,
    });
  }
  await rememberAuthnRequest(ctx, source, input.sessionId, { requestId: request.requestId, next: input.next });

  if (request.binding === 'REDIRECT') return { kind: 'redirect', location: request.url };
  const fields: Record<string, string> = { SAMLRequest: request.fields.SAMLRequest };
  if (request.fields.RelayState) fields.RelayState = request.fields.RelayState;
  return request.binding === 'POST'
    ? {
        kind: 'form',
        title: `Continue to ${source.name}`,
        intro: `You are being sent to ${source.name} to sign in.`,
        action: request.url,
        fields,
        auto: false,
      }
    : { kind: 'form', title: `Redirecting to ${source.name}...`, action: request.url, fields, auto: true };
}
