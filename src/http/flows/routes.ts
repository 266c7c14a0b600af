/**
 * Browser pages: the flow executor (/if/flow/<slug>/), the login page, the user's source
 * settings (/if/user/) and logout. Sources send browsers here after an external login.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ThrottledError } from '../../errors/index.js';
import { passwordLogin } from '../../services/auth/password-login.js';
import type { ServiceContext } from '../../services/context.js';
import { advanceFlow, currentPlan } from '../../services/flows/complete-flow.js';
import { logoutBrowser } from '../../services/flows/logout.js';
import { LOGIN_PATH, safeRedirectPath } from '../../services/flows/plan.js';
import { formPage, layout, messagePage } from '../../ui/pages.js';
import { pageErrorHandler } from '../errors/pages.js';
import { BrowserSession } from './browser-session.js';
import { sendOutcome, sendPage } from './render.js';
import { loginButtons, userConnectionsView } from './user-pages.js';

type SlugParams = { slug: string };

async function flowStep(
  ctx: ServiceContext,
  request: FastifyRequest<{ Params: SlugParams }>,
  reply: FastifyReply,
  submitted?: Record<string, unknown>,
) {
  const session = await BrowserSession.load(ctx, request);
  const slug = request.params.slug;
  if (slug === 'default-authentication-flow') return loginPage(ctx, request, reply, session, submitted);
  const plan = currentPlan(ctx, session, slug);
  if (!plan) {
    return sendPage(
      request,
      reply,
      session,
      400,
      messagePage('Flow not available', 'There is no sign-in in progress for this flow. Please start again.', session.takeFlashes(), {
        href: LOGIN_PATH,
        label: 'Sign in',
      }),
    );
  }
  if (submitted && !session.checkCsrf(submitted.csrf)) {
    return sendPage(request, reply, session, 403, messagePage('Request expired', 'The form expired. Please submit it again.'));
  }
  const step = await advanceFlow(ctx, session, plan, submitted ? { username: submitted.username } : undefined);
  if (step.kind !== 'prompt') return sendOutcome(request, reply, session, step);
  return sendPage(
    request,
    reply,
    session,
    submitted ? 400 : 200,
    formPage({
      title: 'Choose a username',
      intro: `Welcome! Please choose a username for your account linked to ${plan.sourceName}.`,
      action: `/if/flow/${encodeURIComponent(slug)}/`,
      csrf: session.csrfToken(),
      fields: [{ name: 'username', label: 'Username', type: 'text', value: step.value, errors: step.errors, autocomplete: 'username' }],
      submit: 'Continue',
      flashes: session.takeFlashes(),
    }),
  );
}

function tooManyAttempts(e: ThrottledError): string {
  const minutes = Math.ceil(e.retryAfterSeconds / 60);
  return `Too many failed sign-in attempts. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** Password login for local users, plus a button per enabled browser source. */
async function loginPage(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: BrowserSession,
  submitted?: Record<string, unknown>,
) {
  const next = safeRedirectPath((request.query as Record<string, string>).next) ?? '/if/user/';
  let errors: string[] = [];
  let throttled: ThrottledError | null = null;
  if (submitted) {
    if (!session.checkCsrf(submitted.csrf)) errors = ['The form expired. Please submit it again.'];
    else {
      const user = await passwordLogin(ctx, submitted.username, submitted.password, request.ip).catch((e: unknown) => {
        if (!(e instanceof ThrottledError)) throw e;
        throttled = e;
        return null;
      });
      if (user) {
        session.login(user.id);
        return sendOutcome(request, reply, session, { kind: 'redirect', location: next });
      }
      errors = [throttled ? tooManyAttempts(throttled) : 'Invalid username or password.'];
    }
  }
  if (throttled) void reply.header('retry-after', String((throttled as ThrottledError).retryAfterSeconds));
  const buttons = await loginButtons(ctx, next);
  return sendPage(
    request,
    reply,
    session,
    throttled ? 429 : errors.length ? 400 : 200,
    formPage({
      title: 'Sign in',
      action: `${LOGIN_PATH}?next=${encodeURIComponent(next)}`,
      csrf: session.csrfToken(),
      fields: [
        {
          name: 'username',
          label: 'Username',
          type: 'text',
          autocomplete: 'username',
          value: typeof submitted?.username === 'string' ? submitted.username : '',
        },
        { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', errors },
      ],
      submit: 'Log in',
      flashes: session.takeFlashes(),
      extra: buttons,
    }),
  );
}

export async function registerFlowRoutes(scope: FastifyInstance, ctx: ServiceContext): Promise<void> {
  scope.setErrorHandler(pageErrorHandler);
  scope.get<{ Params: SlugParams }>('/if/flow/:slug/', (req, reply) => flowStep(ctx, req, reply));
  scope.post<{ Params: SlugParams }>('/if/flow/:slug/', (req, reply) => flowStep(ctx, req, reply, (req.body ?? {}) as Record<string, unknown>));

  scope.get('/if/user/', async (request, reply) => {
    const session = await BrowserSession.load(ctx, request);
    if (session.userId === null)
      return sendOutcome(request, reply, session, { kind: 'redirect', location: `${LOGIN_PATH}?next=${encodeURIComponent('/if/user/')}` });
    const body = await userConnectionsView(ctx, session.userId);
    return sendPage(request, reply, session, 200, layout('Your account', body, session.takeFlashes()));
  });

  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await BrowserSession.load(ctx, request);
    await logoutBrowser(ctx, session);
    await session.commit(request, reply);
    return reply.redirect(LOGIN_PATH, 302);
  };
  scope.get('/flows/-/default/invalidation/', logout);
  scope.get('/', async (_req, reply) => reply.redirect('/if/user/', 302));
}
