/**
 * /source/saml/<slug>/slo/ — single logout, HTTP-Redirect binding
 * (docs/behaviour.md#saml-single-logout):
 * - IdP LogoutRequest (`SAMLRequest`): end the local session, answer with a LogoutResponse to
 *   slo_url (SAML Core §3.7.3.2);
 * - IdP LogoutResponse (`SAMLResponse`): our SP-initiated logout is complete, back to RelayState;
 * - neither: SP-initiated logout — end the local session, send a LogoutRequest to slo_url.
 * Ending a session of a user flagged delete-on-logout deletes that user.
 */
import { createLogoutRequest, createLogoutResponse, parseLogoutRedirect, SamlError } from '../../protocols/saml/index.js';
import type { RedirectSigning } from '../../protocols/saml/index.js';
import type { ServiceContext } from '../../services/context.js';
import { safeRedirectPath, type FlowOutcome, type FlowSession } from '../../services/flows/plan.js';
import { allowsSha1, enabledSamlSource, samlEndpoints, signingKey, spEntityId, verificationCertificates } from './source-config.js';
import { logoutBrowser } from '../../services/flows/logout.js';
import { samlSessionKey } from './consume.js';
import { deleteIfDeleteOnLogout } from '../../services/flows/logout.js';

export interface SloInput {
  slug: string;
  baseUrl: string;
  /** The undecoded query string: Redirect-binding signatures cover its exact octets. */
  rawQuery: string;
  /** Form fields of a POST (only SP-initiated logout is accepted that way). */
  form: Record<string, unknown> | null;
}

const ROOT = '/';

function hasParam(rawQuery: string, name: string): boolean {
  return rawQuery.split('&').some((pair) => pair.split('=')[0] === name);
}

export async function samlSingleLogout(ctx: ServiceContext, session: FlowSession, input: SloInput): Promise<FlowOutcome> {
  const source = await enabledSamlSource(ctx, input.slug);
  const s = source.settings;
  if (input.form && (input.form.SAMLRequest !== undefined || input.form.SAMLResponse !== undefined)) {
    throw new SamlError('InvalidXml', 'Single logout supports only the HTTP-Redirect binding.');
  }
  const isRequest = hasParam(input.rawQuery, 'SAMLRequest');
  const isResponse = hasParam(input.rawQuery, 'SAMLResponse');
  const key = await signingKey(ctx, source);
  const signing: RedirectSigning | null = key ? { privateKey: key.privateKey, signatureAlgorithm: key.signatureAlgorithm } : null;
  const common = {
    sloUrl: samlEndpoints(input.baseUrl, source.slug).slo,
    idpEntityId: s.idp_entity_id,
    now: ctx.clock.now(),
    allowSha1: allowsSha1(source),
  };

  if (isRequest || isResponse) {
    const certs = await verificationCertificates(ctx, source);
    // A LogoutRequest ends sessions, so with a certificate configured it must be signed. A
    // LogoutResponse arrives after our session already ended: verified when signed, else read.
    const message = parseLogoutRedirect(input.rawQuery, { ...common, verificationCerts: certs, requireSignature: isRequest });
    if (message.kind === 'LogoutResponse') {
      return { kind: 'redirect', location: safeRedirectPath(message.relayState) ?? ROOT };
    }
    await logoutBrowser(ctx, session);
    // Another browser (or a lost cookie): a verified request still ends the named temporary user.
    if (message.signatureVerified) {
      const connection = await ctx.store.repos.userConnections.bySourceIdentifier(source.uuid, message.nameId);
      if (connection) await deleteIfDeleteOnLogout(ctx, connection.userId);
    }
    if (!s.slo_url) return { kind: 'redirect', location: ROOT };
    const answer = createLogoutResponse({
      sloUrl: s.slo_url,
      spEntityId: spEntityId(source, input.baseUrl),
      now: common.now,
      inResponseTo: message.id,
      relayState: message.relayState,
      signing,
    });
    return { kind: 'redirect', location: answer.url };
  }

  // SP-initiated: without a local session there is nothing to end.
  const userId = session.userId;
  if (userId === null) return { kind: 'redirect', location: ROOT };
  const connection = await ctx.store.repos.userConnections.byUserSource(userId, source.uuid);
  const idpSession = session.get<{ nameId: string; sessionIndex: string | null }>(samlSessionKey(source.uuid));
  await logoutBrowser(ctx, session);
  if (!s.slo_url || !connection) return { kind: 'redirect', location: ROOT };
  const next = typeof input.form?.next === 'string' ? input.form.next : new URLSearchParams(input.rawQuery).get('next');
  const request = createLogoutRequest({
    sloUrl: s.slo_url,
    spEntityId: spEntityId(source, input.baseUrl),
    now: common.now,
    nameId: idpSession?.nameId ?? connection.identifier,
    nameIdFormat: s.name_id_policy,
    sessionIndex: idpSession?.sessionIndex ?? null,
    relayState: safeRedirectPath(next) ?? null,
    signing,
  });
  return { kind: 'redirect', location: request.url };
}
