/** Turns flow outcomes into HTTP responses, committing the browser session first. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FlowOutcome } from '../../services/flows/plan.js';
import { accessDeniedPage, messagePage } from '../../ui/pages.js';
import type { BrowserSession } from './browser-session.js';

export async function sendPage(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, status: number, body: string): Promise<FastifyReply> {
  await session.commit(request, reply);
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

export async function sendOutcome(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, outcome: FlowOutcome): Promise<FastifyReply> {
  switch (outcome.kind) {
    case 'redirect':
      await session.commit(request, reply);
      return reply.header('cache-control', 'no-store').redirect(outcome.location, 302);
    case 'denied':
      return sendPage(request, reply, session, 403, accessDeniedPage(outcome.message, session.takeFlashes()));
    case 'page':
      return sendPage(request, reply, session, outcome.status, messagePage(outcome.title, outcome.message, session.takeFlashes()));
  }
}
