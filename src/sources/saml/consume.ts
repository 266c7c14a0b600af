/**
 * POST /source/saml/<slug>/acs/ — the Assertion Consumer Service
 * (docs/behaviour.md#saml-response-validation). Validation is the pure core's job; this use case
 * feeds it the source's settings and this session's pending request, refuses replays, and hands the
 * identity to the flow manager. Every refusal throws a SamlError (400 page) before anything but the
 * single-use request state is written.
 */
import { samlPropertiesFromAssertion, SamlError } from '../../protocols/saml/index.js';
import type { SamlAssertionResult } from '../../protocols/saml/index.js';
import type { ServiceContext } from '../../services/context.js';
import { buildIdentityProperties } from '../../services/flows/identity-properties.js';
import { safeRedirectPath, type FlowOutcome, type FlowSession } from '../../services/flows/plan.js';
import { handleExternalIdentity } from '../../services/flows/source-flow-manager.js';
import { rememberAssertionOnce } from './replay.js';
import { takeAuthnRequest } from './request-state.js';
import { enabledSamlSource, validatorFor, validatorSettings } from './source-config.js';
import { ensureTemporaryUser, isTransientNameId } from './temporary-users.js';

/** Session key under which a SAML login keeps its NameID and SessionIndex. */
export function samlSessionKey(sourceUuid: string): string {
  return `saml_session:${sourceUuid}`;
}

export interface AcsInput {
  slug: string;
  /** The browser session id, null when the POST carried no (valid) session cookie. */
  sessionId: string | null;
  baseUrl: string;
  /** The posted form fields. */
  form: Record<string, unknown>;
}

export async function consumeSamlResponse(ctx: ServiceContext, session: FlowSession, input: AcsInput): Promise<FlowOutcome> {
  const source = await enabledSamlSource(ctx, input.slug);
  const samlResponse = input.form.SAMLResponse;
  // Only the HTTP-POST binding reaches the ACS (SAML Bindings §3.5).
  if (typeof samlResponse !== 'string' || samlResponse === '') {
    throw new SamlError('InvalidXml', "Request does not contain 'SAMLResponse'");
  }
  const [settings, pending] = await Promise.all([validatorSettings(ctx, source, input.baseUrl), takeAuthnRequest(ctx, source, input.sessionId)]);
  const result: SamlAssertionResult = validatorFor(settings)(samlResponse, {
    now: ctx.clock.now(),
    expectedRequestId: pending?.requestId ?? null,
  });
  await rememberAssertionOnce(ctx, source, result);

  if (isTransientNameId(result.nameIdFormat)) await ensureTemporaryUser(ctx, source, result.nameId);

  const { properties, groups } = await buildIdentityProperties(ctx, source, {
    baseProperties: samlPropertiesFromAssertion(result),
    context: { root: result.responseXml, name_id: result.nameId, attributes: result.attributes },
  });
  const solicited = result.inResponseTo !== null;
  // SP-initiated: the `next` we stored ourselves. IdP-initiated: RelayState, same-origin only.
  const relayState = typeof input.form.RelayState === 'string' ? input.form.RelayState : null;
  const redirect = solicited ? (pending?.next ?? null) : safeRedirectPath(relayState);
  // Remembered in the session so our LogoutRequest can name the IdP session (SAML Core §3.7.1).
  const sessionData = { [samlSessionKey(source.uuid)]: { nameId: result.nameId, sessionIndex: result.sessionIndex ?? null } };
  const identity = { identifier: result.nameId, properties, groups, emailVerified: null, sessionData };
  return handleExternalIdentity(ctx, solicited ? session : anonymousView(session), source, identity, redirect);
}

/**
 * An unsolicited response proves nothing about what this browser asked for (SAML Profiles
 * §4.1.5): an attacker could post their own IdP-initiated assertion into a signed-in victim's
 * browser and have it LINKed to the victim's account, then sign in as the victim. So an
 * IdP-initiated login never links: the flow manager sees an anonymous browser, and a
 * successful login replaces the session as any fresh login does.
 */
function anonymousView(session: FlowSession): FlowSession {
  return {
    userId: null,
    get: (key) => session.get(key),
    set: (key, value) => session.set(key, value),
    flash: (level, message) => session.flash(level, message),
    login: (userId, carry) => session.login(userId, carry),
    logout: () => session.logout(),
  };
}
