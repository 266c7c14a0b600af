/**
 * /source/saml/<slug>/… (docs/behaviour.md#saml-endpoints). Routes only translate: request → use
 * case → page. Any SAML failure is a 400 page naming the reason; unknown or disabled sources are
 * 404 (the scope's page error handler), except metadata, which disabled sources still serve.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../../services/context.js';
import { safeRedirectPath } from '../../../services/flows/plan.js';
import { consumeSamlResponse } from '../consume.js';
import { startSamlLogin } from '../initiate.js';
import { samlSingleLogout } from '../logout.js';
import { enabledSamlSource } from '../source-config.js';
import { spMetadataBySlug } from '../metadata.js';
import { autoSubmitPage } from '../../../ui/pages.js';
import { needsCrossSiteBounce, sendCrossSiteBounce } from '../../../http/flows/cross-site-bounce.js';
import { publicBaseUrl } from '../../../http/public-url.js';
import { BrowserSession } from '../../../http/flows/browser-session.js';
import { sourceLoginFailed } from '../../../http/flows/source-failure.js';
import { sendOutcome, sendPage } from '../../../http/flows/render.js';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

function formOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

function rawQuery(request: FastifyRequest): string {
  const i = request.url.indexOf('?');
  return i < 0 ? '' : request.url.slice(i + 1);
}

async function acs(ctx: ServiceContext, request: SlugRequest, reply: FastifyReply): Promise<FastifyReply> {
  const form = formOf(request);
  if (needsCrossSiteBounce(request, form)) {
    await enabledSamlSource(ctx, request.params.slug); // unknown or disabled: 404, not a bounce
    return sendCrossSiteBounce(request, reply, form);
  }
  const session = await BrowserSession.load(ctx, request);
  try {
    const outcome = await consumeSamlResponse(ctx, session, {
      slug: request.params.slug,
      sessionId: session.id,
      baseUrl: publicBaseUrl(ctx, request),
      form,
    });
    return sendOutcome(request, reply, session, outcome);
  } catch (e) {
    return sourceLoginFailed(request, reply, session, e, 'page');
  }
}

async function slo(ctx: ServiceContext, request: SlugRequest, reply: FastifyReply): Promise<FastifyReply> {
  const session = await BrowserSession.load(ctx, request);
  try {
    const outcome = await samlSingleLogout(ctx, session, {
      slug: request.params.slug,
      baseUrl: publicBaseUrl(ctx, request),
      rawQuery: rawQuery(request),
      form: request.method === 'POST' ? formOf(request) : null,
    });
    return sendOutcome(request, reply, session, outcome);
  } catch (e) {
    return sourceLoginFailed(request, reply, session, e, 'page');
  }
}

export function registerSamlRoutes(scope: FastifyInstance, ctx: ServiceContext): void {
  scope.get<{ Params: { slug: string } }>('/source/saml/:slug/', async (request, reply) => {
    const session = await BrowserSession.load(ctx, request);
    try {
      const outcome = await startSamlLogin(ctx, {
        slug: request.params.slug,
        sessionId: await session.ensureId(),
        baseUrl: publicBaseUrl(ctx, request),
        next: safeRedirectPath((request.query as Record<string, unknown>).next),
      });
      if (outcome.kind !== 'form') return sendOutcome(request, reply, session, outcome);
      return sendPage(request, reply, session, 200, autoSubmitPage(outcome));
    } catch (e) {
      return sourceLoginFailed(request, reply, session, e, 'page');
    }
  });
  scope.post<{ Params: { slug: string } }>('/source/saml/:slug/acs/', (request, reply) => acs(ctx, request, reply));
  scope.get<{ Params: { slug: string } }>('/source/saml/:slug/slo/', (request, reply) => slo(ctx, request, reply));
  scope.post<{ Params: { slug: string } }>('/source/saml/:slug/slo/', (request, reply) => slo(ctx, request, reply));
  scope.get<{ Params: { slug: string } }>('/source/saml/:slug/metadata/', async (request, reply) => {
    const xml = await spMetadataBySlug(ctx, request.params.slug, publicBaseUrl(ctx, request));
    return reply.type('text/xml').send(xml);
  });
}
