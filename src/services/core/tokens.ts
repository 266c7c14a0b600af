/**
 * Use cases for /core/tokens/. Superusers manage every token; other users only their own
 * (authentik's owner field `user`), and may not mint tokens for someone else.
 */
import type { Principal, Token, TokenIntent } from '../../domain/entities.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../../errors/index.js';
import { randomAlphanumeric } from '../../security/random.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';

/** authentik's default token length and lifetime for expiring tokens. */
export const TOKEN_KEY_LENGTH = 60;
export const DEFAULT_TOKEN_LIFETIME_MS = 30 * 60 * 1000;

export interface TokenInput {
  identifier?: string;
  intent?: TokenIntent;
  user?: number;
  description?: string;
  expires?: Date | null;
  expiring?: boolean;
  managed?: string | null;
}

function ownerFilter(principal: Principal, query: ListQuery): ListQuery {
  if (principal.isSuperuser) return query;
  return { ...query, filters: [...query.filters, { field: 'user', value: principal.user.id }] };
}

export function listTokens(ctx: ServiceContext, principal: Principal, query: ListQuery): Promise<Page<Token>> {
  return ctx.store.repos.tokens.list(ownerFilter(principal, query));
}

export async function getToken(repos: Repositories, principal: Principal, identifier: string): Promise<Token> {
  const token = await repos.tokens.byIdentifier(identifier);
  // Someone else's token is indistinguishable from a missing one.
  if (!token || (!principal.isSuperuser && token.userId !== principal.user.id)) throw NotFoundError.forModel('Token');
  return token;
}

async function resolveOwner(repos: Repositories, principal: Principal, requested: number | undefined): Promise<number | undefined> {
  if (!principal.isSuperuser) return principal.user.id;
  if (requested === undefined) return undefined;
  if (!(await repos.users.byId(requested))) throw ValidationError.field('user', `Invalid pk "${requested}" - object does not exist.`);
  return requested;
}

/** authentik's TokenSerializer: the API mints only `api` and `app_password` tokens, for anyone. */
function checkIntent(intent: TokenIntent | undefined): void {
  if (intent !== undefined && intent !== 'api' && intent !== 'app_password') {
    throw ValidationError.field('intent', `Invalid intent ${intent}`);
  }
}

/** Non-superusers get the expiry policy of their account attribute, not what they ask for. */
function expiringFor(principal: Principal, requested: boolean | undefined): boolean {
  if (principal.isSuperuser) return requested ?? true;
  return principal.user.attributes[TOKEN_EXPIRING_ATTRIBUTE] !== false;
}

export const TOKEN_EXPIRING_ATTRIBUTE = 'goauthentik.io/user/token-expires';

export function createToken(ctx: ServiceContext, principal: Principal, input: TokenInput): Promise<Token> {
  checkIntent(input.intent);
  return ctx.store.transaction(async (repos) => {
    const userId = (await resolveOwner(repos, principal, input.user)) ?? principal.user.id;
    if (await repos.tokens.byIdentifier(input.identifier!)) throw ValidationError.field('identifier', 'token with this identifier already exists.');
    const expiring = expiringFor(principal, input.expiring);
    return repos.tokens.create({
      identifier: input.identifier!,
      key: randomAlphanumeric(TOKEN_KEY_LENGTH),
      intent: input.intent ?? 'api',
      userId,
      description: input.description ?? '',
      managed: input.managed ?? null,
      expiring,
      expires: expiring ? (input.expires ?? new Date(ctx.clock.now().getTime() + DEFAULT_TOKEN_LIFETIME_MS)) : null,
    });
  });
}

export function updateToken(ctx: ServiceContext, principal: Principal, identifier: string, input: TokenInput): Promise<Token> {
  checkIntent(input.intent);
  return ctx.store.transaction(async (repos) => {
    const token = await getToken(repos, principal, identifier);
    if (token.managed) throw new PermissionDeniedError('Managed tokens cannot be changed.', 'protected');
    if (input.identifier !== undefined && input.identifier !== token.identifier && (await repos.tokens.byIdentifier(input.identifier))) {
      throw ValidationError.field('identifier', 'token with this identifier already exists.');
    }
    const userId = await resolveOwner(repos, principal, input.user);
    return repos.tokens.update(identifier, {
      identifier: input.identifier,
      intent: input.intent,
      userId,
      description: input.description,
      expiring: input.expiring === undefined ? undefined : expiringFor(principal, input.expiring),
      expires: input.expires,
      managed: input.managed,
    });
  });
}

export async function deleteToken(ctx: ServiceContext, principal: Principal, identifier: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const token = await getToken(repos, principal, identifier);
    await repos.tokens.delete(token.identifier);
  });
}

/** Returns the key to its owner or a superuser, and records that it was seen. */
export async function viewTokenKey(ctx: ServiceContext, principal: Principal, identifier: string): Promise<string> {
  return ctx.store.transaction(async (repos) => {
    const token = await getToken(repos, principal, identifier);
    const key = await repos.tokens.viewKey(token.identifier);
    await repos.events.record({
      action: 'secret_view',
      user: { pk: principal.user.id, username: principal.user.username },
      context: { token: token.identifier },
    });
    return key!;
  });
}

export async function setTokenKey(ctx: ServiceContext, principal: Principal, identifier: string, key: string): Promise<void> {
  if (!principal.isSuperuser) throw new PermissionDeniedError();
  await ctx.store.transaction(async (repos) => {
    const token = await getToken(repos, principal, identifier);
    await repos.tokens.update(token.identifier, { key });
  });
}
