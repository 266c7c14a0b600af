/** Content of the login buttons and the user's "connected sources" page. */
import type { ServiceContext } from '../../services/context.js';
import type { Source } from '../../domain/sources.js';
import type { SourceKindDescriptor } from '../../sources/kind.js';
import { SOURCE_KINDS, type SourceKind } from '../../sources/kinds.js';
import { html, type Raw } from '../../ui/html.js';

/** Kinds a browser signs in or connects through (they have a login page). */
const BROWSER_KINDS = (Object.keys(SOURCE_KINDS) as SourceKind[]).filter((k) => SOURCE_KINDS[k].loginPath !== null);
const loginUrl = (s: Source) => (SOURCE_KINDS[s.kind] as SourceKindDescriptor).loginPath!(s.slug);

export async function loginButtons(ctx: ServiceContext, next: string): Promise<Raw> {
  const sources = await ctx.store.repos.sources.enabledOfKinds(BROWSER_KINDS);
  if (sources.length === 0) return html``;
  return html`<h2>Or sign in with</h2><ul class="sources">${sources.map(
    (s) => html`<li><a class="button source" href="${loginUrl(s)}?next=${encodeURIComponent(next)}">${s.name}</a></li>`,
  )}</ul>`;
}

export async function userConnectionsView(ctx: ServiceContext, userId: number): Promise<Raw> {
  const repos = ctx.store.repos;
  const user = await repos.users.byId(userId);
  const page = await repos.userConnections.list(null, {
    filters: [{ field: 'user', value: userId }],
    search: null,
    ordering: [],
    offset: 0,
    limit: 100,
  });
  const sources = new Map((await repos.sources.byUuids(page.items.map((c) => c.sourceUuid))).map((s) => [s.uuid, s]));
  const available = await repos.sources.enabledOfKinds(BROWSER_KINDS);
  const linked = new Set(page.items.map((c) => c.sourceUuid));
  return html`<h1>Hello, ${user?.name || user?.username}</h1>
<p>Signed in as <strong class="username">${user?.username}</strong>.</p>
<h2>Connected sources</h2>
<table class="connections"><tr><th>Source</th><th>Identifier</th></tr>${page.items.map(
    (c) => html`<tr><td>${sources.get(c.sourceUuid)?.name ?? ''}</td><td>${c.identifier}</td></tr>`,
  )}</table>
${available.filter((s) => !linked.has(s.uuid)).map((s) => html`<p><a class="button" href="${loginUrl(s)}">Connect ${s.name}</a></p>`)}
<p><a href="/flows/-/default/invalidation/">Log out</a></p>`;
}
