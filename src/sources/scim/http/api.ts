/** What `/api/v3/sources/scim/` shows beyond the stored fields: its root URL and token. */
import type { FastifyRequest } from 'fastify';
import { serializeTokens } from '../../../http/api/v3/core/tokens.js';
import { publicBaseUrl } from '../../../http/public-url.js';
import type { ServiceContext } from '../../../services/context.js';
import type { ScimSource } from '../../kinds.js';

export async function scimComputedFields(ctx: ServiceContext, req: FastifyRequest, sources: ScimSource[]): Promise<Array<Record<string, unknown>>> {
  const repos = ctx.store.repos;
  const tokens = (
    await Promise.all(sources.map((s) => (s.settings.token_uuid ? repos.tokens.byUuid(s.settings.token_uuid) : Promise.resolve(null))))
  ).filter((t) => t !== null);
  const serialized = await serializeTokens(ctx, tokens);
  const byUuid = new Map(tokens.map((t, i) => [t.uuid, serialized[i]]));
  const base = publicBaseUrl(ctx, req);
  return sources.map((s) => ({
    root_url: `${base}/source/scim/${s.slug}/v2`,
    token_obj: (s.settings.token_uuid && byUuid.get(s.settings.token_uuid)) ?? null,
  }));
}
