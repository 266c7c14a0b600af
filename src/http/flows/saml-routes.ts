/**
 * /source/saml/<slug>/… (SPEC §4.2). Routes only translate: request → use case → page. Any
 * SAML failure is a 400 page naming the reason; unknown or disabled sources are 404 (the
 * scope's page error handler), except metadata, which disabled sources still serve.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, NotFoundError } from '../../errors/index.js';
import type { ServiceContext } from '../../services/context.js';
import { safeRedirectPath } from '../../services/flows/plan.js';
import { consumeSamlResponse } from '../../services/saml/consume.js';
import { startSamlLogin } from '../../services/saml/initiate.js';
import { samlSingleLogout } from '../../services/saml/logout.js';
import { enabledSamlSource } from '../../services/saml/source-config.js';
import { spMetadataBySlug } from '../../services/saml/metadata.js';
import { autoSubmitPage, messagePage } from '../../ui/pages.js';
import { needsCrossSiteBounce, sendCrossSiteBounce } from './cross-site-bounce.js';
import { publicBaseUrl } from '../public-url.js';
import { BrowserSession } from './browser-session.js';
import { sendOutcome, sendPage } from './render.js';

type SlugRequest = FastifyRequest<{ Params: { slug: string } }>;

async function failed(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, error: unknown): Promise<FastifyReply> {
  if (error instanceof NotFoundError || !(error instanceof AppError)) throw error;
  request.log.info({ reason: error.message, code: error.code }, 'saml request refused');
  return sendPage(request, reply, session, 400, messagePage('Authentication failed', error.message, session.takeFlashes()));
}

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
    const outcome = await consumeSamlResponse(ctx, session, { slug: request.params.slug, sessionId: session.id, baseUrl: publicBaseUrl(ctx, request), form });
    return sendOutcome(request, reply, session, outcome);
  } catch (e) {
    return failed(request, reply, session, e);
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
    return failed(request, reply, session, e);
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
      return failed(request, reply, session, e);
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
