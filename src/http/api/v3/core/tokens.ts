/** /api/v3/core/tokens/ — the key never appears in list/retrieve; `view_key` reveals it. */
import type { Token } from '../../../../domain/entities.js';
import { TOKEN_INTENTS } from '../../../../domain/entities.js';
import type { ServiceContext } from '../../../../services/context.js';
import { createToken, deleteToken, getToken, listTokens, setTokenKey, updateToken, viewTokenKey } from '../../../../services/core/tokens.js';
import { requirePrincipal } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import { validateBody, type Serializer } from '../../fields.js';
import type { ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import { serializeUsers } from './users.js';

export const tokenSerializer: Serializer = {
  pk: { type: 'uuid', readOnly: true },
  // 2024.8's TokenRequest accepts `managed` (unique, null for unmanaged tokens).
  managed: { type: 'string', nullable: true },
  identifier: { type: 'slug', required: true, maxLength: 255 },
  intent: { type: 'choice', choices: TOKEN_INTENTS },
  user: { type: 'integer' },
  user_obj: { type: 'json', readOnly: true },
  description: { type: 'string', allowBlank: true },
  expires: { type: 'datetime', nullable: true },
  expiring: { type: 'boolean' },
};

const listSpec: ListSpec = {
  filters: {
    identifier: { type: 'string' },
    intent: { type: 'string' },
    user__username: { type: 'string' },
    description: { type: 'string' },
    expires: { type: 'datetime' },
    expiring: { type: 'boolean' },
    managed: { type: 'string' },
  },
  // DRF with `ordering_fields` unset: every model-backed serializer field, plus the filter paths already offered.
  ordering: {
    pk: 'pk',
    managed: 'managed',
    identifier: 'identifier',
    intent: 'intent',
    user: 'user',
    user__username: 'user__username',
    description: 'description',
    expires: 'expires',
    expiring: 'expiring',
  },
  defaultOrdering: ['identifier', 'expires'],
  search: true,
};

/** Token with its owner in the full 2024.8 User shape (seed 001's `token_obj`). */
export async function serializeTokens(ctx: ServiceContext, tokens: Token[]): Promise<Record<string, unknown>[]> {
  const owners = await ctx.store.repos.users.byIds([...new Set(tokens.map((t) => t.userId))]);
  const serialized = await serializeUsers(ctx, owners);
  const byId = new Map(owners.map((u, i) => [u.id, serialized[i]]));
  return tokens.map((t) => ({
    pk: t.uuid,
    managed: t.managed,
    identifier: t.identifier,
    intent: t.intent,
    user: t.userId,
    user_obj: byId.get(t.userId),
    description: t.description,
    expires: t.expires ? t.expires.toISOString() : null,
    expiring: t.expiring,
  }));
}

export function registerTokenRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  const principal = (req: Parameters<typeof requirePrincipal>[1]) => requirePrincipal(ctx, req);
  registerCrud<Token>(api, {
    basePath: '/core/tokens/',
    lookup: 'identifier',
    operationPrefix: 'core_tokens',
    tag: 'core',
    serializer: tokenSerializer,
    listSpec,
    handlers: {
      authorize: async (req) => void (await principal(req)),
      list: async (req, q) => listTokens(ctx, await principal(req), q),
      get: async (req, id) => getToken(ctx.store.repos, await principal(req), id),
      create: async (req, data) => createToken(ctx, await principal(req), data),
      update: async (req, id, data) => updateToken(ctx, await principal(req), id, data),
      destroy: async (req, id) => deleteToken(ctx, await principal(req), id),
      serialize: (_req, tokens) => serializeTokens(ctx, tokens),
    },
  });
  api.route(
    {
      method: 'GET',
      path: '/core/tokens/:identifier/view_key/',
      operationId: 'core_tokens_view_key_retrieve',
      tag: 'core',
      response: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
    },
    async (req) => ({ key: await viewTokenKey(ctx, await principal(req), (req.params as { identifier: string }).identifier) }),
  );
  api.route(
    {
      method: 'POST',
      path: '/core/tokens/:identifier/set_key/',
      operationId: 'core_tokens_set_key_create',
      tag: 'core',
      status: 204,
      requestBody: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
    },
    async (req) => {
      const { key } = validateBody({ key: { type: 'string', required: true, maxLength: 256 } }, req.body, 'create') as { key: string };
      await setTokenKey(ctx, await principal(req), (req.params as { identifier: string }).identifier, key);
    },
  );
}
