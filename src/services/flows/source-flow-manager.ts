/**
 * The source flow manager (docs/behaviour.md#flow-manager-the-decision-table): an external identity
 * came back from an IdP — decide with the matching rules whether to log in the linked user, link,
 * enrol or refuse, and turn that into a flow plan or a page. Protocol-specific code (OAuth, SAML)
 * calls `handleExternalIdentity` after it has validated the identity and built the properties.
 */
import { decideUserAction, isUserMatchingMode, matchingProperty, matchingValue } from '../../domain/matching.js';
import type { Source } from '../../storage/source-ports.js';
import type { Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';
import { renderUserPath } from '../../domain/user-path.js';
import { BadRequestError } from '../../errors/index.js';
import { saveConnection } from './post-source.js';
import {
  FLOW_PLAN_KEY,
  FLOW_PLAN_TTL_MS,
  USER_INTERFACE_PATH,
  USER_SETTINGS_SOURCES_PATH,
  type FlowOutcome,
  type FlowPlan,
  type FlowSession,
  type PendingGroup,
} from './plan.js';

export interface ExternalIdentity {
  identifier: string;
  /** User properties after mappings (nulls stripped, `groups` removed). */
  properties: Record<string, unknown>;
  groups: PendingGroup[];
  /** Does the IdP vouch for the email? null = cannot tell. */
  emailVerified: boolean | null;
  tokens?: { accessToken: string | null; refreshToken: string | null; expiresInSeconds: number | null };
  /** Carried into the session once the user is logged in. */
  sessionData?: Record<string, unknown>;
}

/** How many candidate users to look at: two are enough to know a match is ambiguous. */
const CANDIDATE_LIMIT = 2;

async function candidatesFor(repos: Repositories, mode: string, props: Record<string, unknown>) {
  if (!isUserMatchingMode(mode)) return [];
  const value = matchingValue(mode, props);
  if (value === null) return [];
  const users =
    matchingProperty(mode) === 'email'
      ? await repos.users.findByEmail(value, CANDIDATE_LIMIT)
      : [await repos.users.byUsername(value)].filter((u) => u !== null);
  const supers = await repos.users.superuserIds(users.map((u) => u.id));
  return users.map((u) => ({ id: u.id, isActive: u.isActive, isSuperuser: supers.has(u.id), type: u.type }));
}

function sealedTokens(ctx: ServiceContext, identity: ExternalIdentity) {
  const t = identity.tokens;
  const now = ctx.clock.now().getTime();
  return {
    accessTokenSealed: t?.accessToken ? ctx.box.encrypt(t.accessToken) : null,
    refreshTokenSealed: t?.refreshToken ? ctx.box.encrypt(t.refreshToken) : null,
    // authentik stores "now" here by mistake; we store the real expiry.
    expires: t?.expiresInSeconds ? new Date(now + t.expiresInSeconds * 1000).toISOString() : null,
  };
}

export async function handleExternalIdentity(
  ctx: ServiceContext,
  session: FlowSession,
  source: Source,
  identity: ExternalIdentity,
  redirect: string | null,
): Promise<FlowOutcome> {
  const repos = ctx.store.repos;
  const connection = await repos.userConnections.bySourceIdentifier(source.uuid, identity.identifier);
  const mode = isUserMatchingMode(source.userMatchingMode) ? source.userMatchingMode : 'identifier';
  const decision = decideUserAction({
    sourceName: source.name,
    viewer: session.userId !== null ? { userId: session.userId } : null,
    existingConnection: connection ? { id: connection.id, userId: connection.userId } : null,
    mode,
    properties: identity.properties,
    emailVerified: identity.emailVerified,
    candidates: session.userId === null && !connection ? await candidatesFor(repos, mode, identity.properties) : [],
  });
  const tokens = sealedTokens(ctx, identity);

  if (decision.action === 'deny') {
    await repos.events.record({
      action: 'login_failed',
      context: { source: source.name, reason: decision.reason, detail: decision.detail ?? decision.message },
    });
    return { kind: 'denied', message: decision.message };
  }

  // Linking while logged in: save now and go to the user's source settings.
  if (decision.action === 'link' && session.userId !== null) {
    await ctx.store.transaction(async (trx) => {
      const user = await trx.users.byId(session.userId!);
      if (!user) throw new BadRequestError('The signed-in user no longer exists.', 'user_gone');
      await saveConnection(
        trx,
        ctx.box,
        user,
        { sourceUuid: source.uuid, kind: source.kind, identifier: identity.identifier, ...tokens },
        source.name,
      );
    });
    session.flash('success', `Successfully linked ${source.name}!`);
    return { kind: 'redirect', location: USER_SETTINGS_SOURCES_PATH };
  }

  const designation = decision.action === 'enroll' ? 'enrollment' : 'authentication';
  const flowUuid = designation === 'enrollment' ? source.enrollmentFlow : source.authenticationFlow;
  if (!flowUuid) {
    return designation === 'enrollment'
      ? { kind: 'page', status: 400, title: 'Authentication failed', message: 'Source is not configured for enrollment.' }
      : { kind: 'page', status: 400, title: 'Authentication failed', message: 'Configured flow does not exist.' };
  }
  const flow = await repos.flows.byUuid(flowUuid);
  if (!flow) return { kind: 'page', status: 400, title: 'Authentication failed', message: 'Configured flow does not exist.' };

  const plan: FlowPlan = {
    flowSlug: flow.slug,
    designation,
    sourceUuid: source.uuid,
    sourceName: source.name,
    pendingUserId: decision.action === 'enroll' ? null : Number(decision.userId),
    promptData: identity.properties,
    userPath: renderUserPath(source.userPathTemplate, { slug: source.slug }),
    connection: { sourceUuid: source.uuid, kind: source.kind, identifier: identity.identifier, ...tokens },
    groups: identity.groups,
    groupMatchingMode: source.groupMatchingMode,
    redirect: redirect ?? USER_INTERFACE_PATH,
    ...(identity.sessionData ? { sessionData: identity.sessionData } : {}),
    expiresAt: ctx.clock.now().getTime() + FLOW_PLAN_TTL_MS,
  };
  session.set(FLOW_PLAN_KEY, plan);
  return { kind: 'redirect', location: `/if/flow/${encodeURIComponent(flow.slug)}/` };
}
