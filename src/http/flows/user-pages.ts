/** Content of the login buttons and the user's "connected sources" page. */
import type { ServiceContext } from '../../services/context.js';
import { html, type Raw } from '../../ui/html.js';

const LOGIN_URL: Record<string, (slug: string) => string> = {
  oauth: (slug) => `/source/oauth/login/${encodeURIComponent(slug)}/`,
  saml: (slug) => `/source/saml/${encodeURIComponent(slug)}/`,
};

export async function loginButtons(ctx: ServiceContext, next: string): Promise<Raw> {
  const sources = await ctx.store.repos.sources.enabledOfKinds(['oauth', 'saml']);
  if (sources.length === 0) return html``;
  return html`<h2>Or sign in with</h2><ul class="sources">${sources.map(
    (s) => html`<li><a class="button source" href="${LOGIN_URL[s.kind](s.slug)}?next=${encodeURIComponent(next)}">${s.name}</a></li>`,
  )}</ul>`;
}

export async function userConnectionsView(ctx: ServiceContext, userId: number): Promise<Raw> {
  const repos = ctx.store.repos;
  const user = await repos.users.byId(userId);
  const page = await repos.userConnections.list(null, { filters: [{ field: 'user', value: userId }], search: null, ordering: [], offset: 0, limit: 100 });
  const sources = new Map((await repos.sources.byUuids(page.items.map((c) => c.sourceUuid))).map((s) => [s.uuid, s]));
  const available = await repos.sources.enabledOfKinds(['oauth', 'saml']);
  const linked = new Set(page.items.map((c) => c.sourceUuid));
  return html`<h1>Hello, ${user?.name || user?.username}</h1>
<p>Signed in as <strong class="username">${user?.username}</strong>.</p>
<h2>Connected sources</h2>
<table class="connections"><tr><th>Source</th><th>Identifier</th></tr>${page.items.map(
    (c) => html`<tr><td>${sources.get(c.sourceUuid)?.name ?? ''}</td><td>${c.identifier}</td></tr>`,
  )}</table>
${available.filter((s) => !linked.has(s.uuid)).map((s) => html`<p><a class="button" href="${LOGIN_URL[s.kind](s.slug)}">Connect ${s.name}</a></p>`)}
<p><a href="/flows/-/default/invalidation/">Log out</a></p>`;
}
