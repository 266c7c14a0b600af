/**
 * /source/oauth/login/<slug>/ and /source/oauth/callback/<slug>/
 * (docs/behaviour.md#oauth-login-start). Failures end on the login page with "Authentication
 * failed: <reason>" (docs/behaviour.md#oauth-callback), never a 500.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../../services/context.js';
import { completeOAuthLogin } from '../complete-login.js';
import { startOAuthLogin } from '../start-login.js';
import { safeRedirectPath } from '../../../services/flows/plan.js';
import { publicBaseUrl } from '../../../http/public-url.js';
import { BrowserSession } from '../../../http/flows/browser-session.js';
import { sourceLoginFailed } from '../../../http/flows/source-failure.js';
import { needsCrossSiteBounce, sendCrossSiteBounce } from '../../../http/flows/cross-site-bounce.js';
import { sendOutcome } from '../../../http/flows/render.js';

type SlugParams = { slug: string };

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
    return sourceLoginFailed(request, reply, session, e, 'back-to-login');
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
      return sourceLoginFailed(request, reply, session, e, 'back-to-login');
    }
  });
  scope.get<{ Params: SlugParams }>('/source/oauth/callback/:slug/', (req, reply) => callback(ctx, req, reply, req.query as Record<string, unknown>));
  scope.post<{ Params: SlugParams }>('/source/oauth/callback/:slug/', (req, reply) =>
    callback(ctx, req, reply, (req.body ?? {}) as Record<string, unknown>),
  );
}
