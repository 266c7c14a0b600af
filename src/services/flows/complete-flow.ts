/**
 * Runs a flow plan to its end (docs/behaviour.md#flow-plan-and-enrolment): for enrolment, ask for a
 * username when the source gave none or a taken one, then write the user; then persist the
 * connection (post-source stage), synchronise groups, log the user in and say so. Everything from
 * the user write to the login commits in ONE transaction, so a failure leaves no half-created user
 * or connection.
 */
import type { User } from '../../domain/entities.js';
import { isGroupMatchingMode } from '../../domain/matching.js';
import { BadRequestError, ProtocolError, ValidationError } from '../../errors/index.js';
import type { Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';
import { syncGroups } from './group-sync.js';
import { saveConnection } from './post-source.js';
import { FLOW_PLAN_KEY, USER_INTERFACE_PATH, type FlowOutcome, type FlowPlan, type FlowSession } from './plan.js';

export type FlowStep = FlowOutcome | { kind: 'prompt'; field: 'username'; value: string; errors: string[] };

const USERNAME_RE = /^[\p{L}\p{N}@.+_-]+$/u;

export function currentPlan(ctx: ServiceContext, session: FlowSession, slug: string): FlowPlan | null {
  const plan = session.get<FlowPlan>(FLOW_PLAN_KEY);
  if (!plan || plan.flowSlug !== slug) return null;
  if (plan.expiresAt < ctx.clock.now().getTime()) {
    session.set(FLOW_PLAN_KEY, undefined);
    return null;
  }
  return plan;
}

async function usernameProblem(repos: Repositories, username: unknown): Promise<string | null> {
  if (typeof username !== 'string' || username.trim() === '') return 'This field is required.';
  if (username.length > 150) return 'Ensure this field has no more than 150 characters.';
  if (!USERNAME_RE.test(username)) return 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';
  if (await repos.users.byUsername(username)) return 'This username is already taken.';
  return null;
}

/** Advances the plan; `submitted` carries the prompt form's values on POST. */
export async function advanceFlow(ctx: ServiceContext, session: FlowSession, plan: FlowPlan, submitted?: { username?: unknown }): Promise<FlowStep> {
  if (plan.designation === 'enrollment') {
    const candidate = submitted?.username ?? plan.promptData.username;
    const problem = await usernameProblem(ctx.store.repos, candidate);
    if (problem) {
      // First visit with a source-supplied username that is taken: explain, prefill it.
      const value = typeof candidate === 'string' ? candidate : '';
      return { kind: 'prompt', field: 'username', value, errors: submitted || value ? [problem] : [] };
    }
    plan = { ...plan, promptData: { ...plan.promptData, username: candidate } };
  }
  try {
    const userId = await ctx.store.transaction((repos) => finish(ctx, repos, plan));
    session.set(FLOW_PLAN_KEY, undefined);
    session.login(userId, plan.sessionData ?? {});
    session.flash('success', `Successfully authenticated with ${plan.sourceName}!`);
    return { kind: 'redirect', location: plan.redirect || USER_INTERFACE_PATH };
  } catch (e) {
    if (e instanceof ValidationError && e.fields.username && plan.designation === 'enrollment') {
      // Lost a race for the username between the check and the insert.
      return { kind: 'prompt', field: 'username', value: String(plan.promptData.username), errors: ['This username is already taken.'] };
    }
    session.set(FLOW_PLAN_KEY, undefined);
    if (e instanceof ProtocolError || e instanceof BadRequestError)
      return { kind: 'page', status: 400, title: 'Authentication failed', message: e.message };
    if (e instanceof ValidationError) {
      // Field names mean nothing to the person signing in; show the messages alone.
      return { kind: 'page', status: 400, title: 'Authentication failed', message: [...Object.values(e.fields).flat(), ...e.nonField].join(' ') };
    }
    throw e;
  }
}

function stringProp(props: Record<string, unknown>, key: string): string | undefined {
  const v = props[key];
  return typeof v === 'string' ? v : undefined;
}

async function finish(ctx: ServiceContext, repos: Repositories, plan: FlowPlan): Promise<number> {
  const now = ctx.clock.now();
  let user: User | null = null;
  const props = plan.promptData;
  const attributes = (props.attributes && typeof props.attributes === 'object' ? props.attributes : {}) as Record<string, unknown>;
  if (plan.designation === 'enrollment') {
    // User write stage: authentik's default creates external users from the prompt data.
    user = await repos.users.create({
      username: String(props.username),
      name: stringProp(props, 'name') ?? '',
      email: stringProp(props, 'email') ?? '',
      path: plan.userPath,
      type: 'external',
      attributes,
      passwordHash: null,
    });
    await repos.events.record({
      action: 'model_created',
      user: { pk: user.id, username: user.username },
      context: { model: { app: 'authentik_core', model_name: 'user', pk: user.id, name: user.username }, source: plan.sourceName },
    });
  }
  if (!user && plan.pendingUserId !== null) user = await repos.users.byId(plan.pendingUserId);
  if (!user) throw new BadRequestError('The user for this login no longer exists.', 'user_gone');
  if (!user.isActive) throw new BadRequestError('This account is disabled.', 'inactive');

  await saveConnection(repos, ctx.box, user, plan.connection, plan.sourceName);

  const mode = isGroupMatchingMode(plan.groupMatchingMode) ? plan.groupMatchingMode : 'identifier';
  await syncGroups(repos, { userId: user.id, sourceUuid: plan.sourceUuid, kind: plan.connection.kind, mode, groups: plan.groups });
  await repos.users.update(user.id, { lastLogin: now });
  await repos.events.record({
    action: 'login',
    user: { pk: user.id, username: user.username },
    context: { source: plan.sourceName, auth_method: 'source' },
  });
  return user.id;
}
