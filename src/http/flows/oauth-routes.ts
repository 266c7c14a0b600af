/**
 * /source/oauth/login/<slug>/ and /source/oauth/callback/<slug>/ (SPEC §3.2). Failures end on
 * the login page with "Authentication failed: <reason>" (SPEC §3.5), never a 500.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, NotFoundError } from '../../errors/index.js';
import type { ServiceContext } from '../../services/context.js';
import { completeOAuthLogin } from '../../services/oauth/complete-login.js';
import { startOAuthLogin } from '../../services/oauth/start-login.js';
import { LOGIN_PATH, safeRedirectPath } from '../../services/flows/plan.js';
import { publicBaseUrl } from '../public-url.js';
import { BrowserSession } from './browser-session.js';
import { needsCrossSiteBounce, sendCrossSiteBounce } from './cross-site-bounce.js';
import { sendOutcome } from './render.js';

type SlugParams = { slug: string };

async function failed(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, error: unknown): Promise<FastifyReply> {
  if (error instanceof NotFoundError || !(error instanceof AppError)) throw error;
  request.log.info({ reason: error.message, code: error.code }, 'oauth login failed');
  session.flash('error', `Authentication failed: ${error.message}`);
  return sendOutcome(request, reply, session, { kind: 'redirect', location: LOGIN_PATH });
}

async function callback(ctx: ServiceContext, request: FastifyRequest<{ Params: SlugParams }>, reply: FastifyReply, params: Record<string, unknown>) {
  // Apple answers with a cross-site form POST (response_mode=form_post).
  if (needsCrossSiteBounce(request, params)) return sendCrossSiteBounce(request, reply, params);
  const session = await BrowserSession.load(ctx, request);
  try {
    const outcome = await completeOAuthLogin(ctx, session, {
      slug: request.params.slug,
      sessionId: session.id,
      baseUrl: publicBaseUrl(ctx, request),
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : undefined])),
    });
    return sendOutcome(request, reply, session, outcome);
  } catch (e) {
    return failed(request, reply, session, e);
  }
}

export function registerOAuthRoutes(scope: FastifyInstance, ctx: ServiceContext): void {
  scope.get<{ Params: SlugParams }>('/source/oauth/login/:slug/', async (request, reply) => {
    const session = await BrowserSession.load(ctx, request);
    const query = request.query as Record<string, string>;
    try {
      const outcome = await startOAuthLogin(ctx, {
        slug: request.params.slug,
        sessionId: await session.ensureId(),
        baseUrl: publicBaseUrl(ctx, request),
        next: safeRedirectPath(query.next),
      });
      return sendOutcome(request, reply, session, outcome);
    } catch (e) {
      return failed(request, reply, session, e);
    }
  });
  scope.get<{ Params: SlugParams }>('/source/oauth/callback/:slug/', (req, reply) => callback(ctx, req, reply, req.query as Record<string, unknown>));
  scope.post<{ Params: SlugParams }>('/source/oauth/callback/:slug/', (req, reply) => callback(ctx, req, reply, (req.body ?? {}) as Record<string, unknown>));
}
