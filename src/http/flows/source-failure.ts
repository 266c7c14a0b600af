/**
 * The one path for a refused source sign-in (bad state, invalid assertion, mapping failure…):
 * the session is kept (flashes, state) and the user sees why. A missing source and errors
 * that are not ours go to the page error handler instead.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, NotFoundError } from '../../errors/index.js';
import { LOGIN_PATH } from '../../services/flows/plan.js';
import { messagePage } from '../../ui/pages.js';
import type { BrowserSession } from './browser-session.js';
import { sendOutcome, sendPage } from './render.js';

/**
 * `back-to-login`: flash "Authentication failed: …" on the sign-in page (browser round trips
 * such as an OAuth callback); `page`: answer 400 with the reason (direct POSTs such as a SAML ACS).
 */
export type FailureStyle = 'back-to-login' | 'page';

export async function sourceLoginFailed(
  request: FastifyRequest,
  reply: FastifyReply,
  session: BrowserSession,
  error: unknown,
  style: FailureStyle,
): Promise<FastifyReply> {
  if (error instanceof NotFoundError || !(error instanceof AppError)) throw error;
  request.log.info({ reason: error.message, code: error.code }, 'source sign-in refused');
  if (style === 'page') return sendPage(request, reply, session, 400, messagePage('Authentication failed', error.message, session.takeFlashes()));
  session.flash('error', `Authentication failed: ${error.message}`);
  return sendOutcome(request, reply, session, { kind: 'redirect', location: LOGIN_PATH });
}
