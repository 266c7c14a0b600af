/** Turns flow outcomes into HTTP responses, committing the browser session first. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireNavigableUrl } from '../../domain/urls.js';
import type { FlowOutcome } from '../../services/flows/plan.js';
import { accessDeniedPage, messagePage, type FormPostPage } from '../../ui/pages.js';
import { allowFormAction } from '../security-headers.js';
import type { BrowserSession } from './browser-session.js';

/** Sends a page; a page that posts a form elsewhere (FormPostPage) gets that target allowed by its CSP. */
export async function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  session: BrowserSession,
  status: number,
  body: string | FormPostPage,
): Promise<FastifyReply> {
  await session.commit(request, reply);
  let html = body;
  if (typeof body !== 'string') {
    allowFormAction(reply, body.formTarget);
    html = body.html;
  }
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

export async function sendOutcome(
  request: FastifyRequest,
  reply: FastifyReply,
  session: BrowserSession,
  outcome: FlowOutcome,
): Promise<FastifyReply> {
  switch (outcome.kind) {
    case 'redirect': {
      // Last line of defence: a stored `javascript:` URL must never become a Location.
      const location = requireNavigableUrl(outcome.location, 'redirect target');
      await session.commit(request, reply);
      return reply.header('cache-control', 'no-store').redirect(location, 302);
    }
    case 'denied':
      return sendPage(request, reply, session, 403, accessDeniedPage(outcome.message, session.takeFlashes()));
    case 'page':
      return sendPage(request, reply, session, outcome.status, messagePage(outcome.title, outcome.message, session.takeFlashes()));
  }
}
