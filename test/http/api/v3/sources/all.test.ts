import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';
import { createOAuth, createSaml, createScim, createUser, PERMISSION_DENIED } from './helpers.js';

let app: TestApp;
let userToken: string;
beforeAll(async () => {
  app = await createTestApp();
  userToken = (await createUser(app, 'plain')).token;
  await createOAuth(app, 'zeta-oauth', { name: 'Zeta' });
  await createSaml(app, 'alpha-saml', { name: 'Alpha' });
  await createScim(app, 'mid-scim');
});
afterAll(async () => app?.close());

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

function multipart(fields: Record<string, string | { filename: string; type: string; data: Buffer }>): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = '----tributary-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    } else {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.type}\r\n\r\n`,
        ),
        value.data,
        Buffer.from('\r\n'),
      );
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('/api/v3/sources/all/', () => {
  // Both databases compare names bytewise (C collation): capitals sort first.
  it('lists every kind (built-in included) ordered by name, in the 2024.8 Source shape', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/sources/all/' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.results.map((s: { name: string }) => s.name)).toEqual(['Alpha', 'SCIM mid-scim', 'Zeta', 'authentik Built-in']);
    for (const s of body.results) expect(missingRequiredKeys('Source', s)).toEqual([]);
    const builtIn = body.results[3];
    expect(builtIn).toMatchObject({
      component: '',
      verbose_name: 'Source',
      verbose_name_plural: 'Sources',
      meta_model_name: 'authentik_core.source',
      managed: 'goauthentik.io/sources/inbuilt',
      icon: null,
    });
    expect(body.results[0]).toMatchObject({
      component: 'ak-source-saml-form',
      verbose_name: 'SAML Source',
      verbose_name_plural: 'SAML Sources',
      meta_model_name: 'authentik_sources_saml.samlsource',
    });
    expect(body.results[2]).toMatchObject({
      component: 'ak-source-oauth-form',
      verbose_name: 'OAuth Source',
      meta_model_name: 'authentik_sources_oauth.oauthsource',
    });
  });

  it('filters, searches and orders', async () => {
    const bySlug = await app.request({ method: 'GET', url: '/api/v3/sources/all/?slug=mid-scim' });
    expect(bySlug.json().results.map((s: { slug: string }) => s.slug)).toEqual(['mid-scim']);
    const managed = await app.request({ method: 'GET', url: '/api/v3/sources/all/?managed=goauthentik.io/sources/inbuilt' });
    expect(managed.json().pagination.count).toBe(1);
    const search = await app.request({ method: 'GET', url: '/api/v3/sources/all/?search=ALPH' });
    expect(search.json().results.map((s: { slug: string }) => s.slug)).toEqual(['alpha-saml']);
    const desc = await app.request({ method: 'GET', url: '/api/v3/sources/all/?ordering=-slug' });
    expect(desc.json().results.map((s: { slug: string }) => s.slug)).toEqual(['zeta-oauth', 'mid-scim', 'authentik-built-in', 'alpha-saml']);
    const bad = await app.request({ method: 'GET', url: '/api/v3/sources/all/?ordering=secret' });
    expect(bad.statusCode).toBe(200);
    const plain = await app.request({ method: 'GET', url: '/api/v3/sources/all/' });
    expect(bad.json().results.map((s: { slug: string }) => s.slug)).toEqual(plain.json().results.map((s: { slug: string }) => s.slug));
    const page = await app.request({ method: 'GET', url: '/api/v3/sources/all/?page_size=3&page=2' });
    expect(page.json().pagination).toEqual({ next: 0, previous: 1, count: 4, current: 2, total_pages: 2, start_index: 4, end_index: 4 });
  });

  it('retrieves by slug and 404s for unknown slugs', async () => {
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/all/alpha-saml/' })).json().name).toBe('Alpha');
    const missing = await app.request({ method: 'GET', url: '/api/v3/sources/all/nope/' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'No Source matches the given query.' });
  });

  it('refuses to delete the built-in source', async () => {
    const res = await app.request({ method: 'DELETE', url: '/api/v3/sources/all/authentik-built-in/' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ detail: 'Built-in sources cannot be deleted', code: 'protected' });
  });

  it('deletes any other kind through /all/ (a SCIM source takes its service account along)', async () => {
    const scim = await createScim(app, 'doomed-scim');
    const res = await app.request({ method: 'DELETE', url: '/api/v3/sources/all/doomed-scim/' });
    expect(res.statusCode).toBe(204);
    expect(await app.ctx.store.repos.users.byUsername(`ak-source-scim-${scim.pk}`)).toBeNull();
    expect(await app.ctx.store.repos.tokens.byIdentifier(`ak-source-scim-${scim.pk}`)).toBeNull();
  });

  it('lists creatable types', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/sources/all/types/' });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((t: { component: string }) => t.component)).toEqual(['ak-source-oauth-form', 'ak-source-saml-form', 'ak-source-scim-form']);
    for (const t of res.json()) expect(missingRequiredKeys('TypeCreate', t)).toEqual([]);
    expect(res.json()[0]).toMatchObject({ name: 'OAuth Source', model_name: 'oauthsource' });
  });

  it('gives any authenticated user the enabled sources with user settings, by name', async () => {
    await createOAuth(app, 'disabled-oauth', { name: 'Disabled', enabled: false });
    const res = await app.request({ method: 'GET', url: '/api/v3/sources/all/user_settings/', token: userToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        object_uid: 'alpha-saml',
        component: 'ak-user-settings-source-saml',
        title: 'Alpha',
        configure_url: '/source/saml/alpha-saml/',
        icon_url: null,
      },
      {
        object_uid: 'zeta-oauth',
        component: 'ak-user-settings-source-oauth',
        title: 'Zeta',
        configure_url: '/source/oauth/login/zeta-oauth/',
        icon_url: null,
      },
    ]);
    for (const s of res.json()) expect(missingRequiredKeys('UserSetting', s)).toEqual([]);
    const anonymous = await app.request({ method: 'GET', url: '/api/v3/sources/all/user_settings/', token: null });
    expect(anonymous.statusCode).toBe(403);
  });

  it('is admin-only apart from user_settings', async () => {
    for (const url of [
      '/api/v3/sources/all/',
      '/api/v3/sources/all/alpha-saml/',
      '/api/v3/sources/all/types/',
      '/api/v3/sources/all/alpha-saml/used_by/',
    ]) {
      const res = await app.request({ method: 'GET', url, token: userToken });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toEqual(PERMISSION_DENIED);
    }
    const del = await app.request({ method: 'DELETE', url: '/api/v3/sources/all/alpha-saml/', token: userToken });
    expect(del.statusCode).toBe(403);
  });

  it('sets the icon from a URL and clears it', async () => {
    const set = await app.request({
      method: 'POST',
      url: '/api/v3/sources/all/zeta-oauth/set_icon_url/',
      payload: { url: 'https://cdn.example.com/z.png' },
    });
    expect(set.statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/all/zeta-oauth/' })).json().icon).toBe('https://cdn.example.com/z.png');
    const bad = await app.request({ method: 'POST', url: '/api/v3/sources/all/zeta-oauth/set_icon_url/', payload: { url: 'not a url' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ url: ['Enter a valid URL.'] });
    const clear = await app.request({ method: 'POST', url: '/api/v3/sources/all/zeta-oauth/set_icon/', ...multipart({ clear: 'true' }) });
    expect(clear.statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/all/zeta-oauth/' })).json().icon).toBeNull();
  });

  it('accepts image uploads and rejects anything else', async () => {
    const ok = await app.request({
      method: 'POST',
      url: '/api/v3/sources/all/alpha-saml/set_icon/',
      ...multipart({ file: { filename: 'i.png', type: 'image/png', data: PNG } }),
    });
    expect(ok.statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/all/alpha-saml/' })).json().icon).toBe(
      `data:image/png;base64,${PNG.toString('base64')}`,
    );
    const html = await app.request({
      method: 'POST',
      url: '/api/v3/sources/all/alpha-saml/set_icon/',
      ...multipart({ file: { filename: 'x.png', type: 'image/png', data: Buffer.from('<html><script>alert(1)</script></html>') } }),
    });
    expect(html.statusCode).toBe(400);
    expect(html.json()).toEqual({ file: ['Upload a valid image. The file you uploaded was either not an image or a corrupted image.'] });
    const nothing = await app.request({ method: 'POST', url: '/api/v3/sources/all/alpha-saml/set_icon/', ...multipart({ clear: 'false' }) });
    expect(nothing.statusCode).toBe(400);
  });

  it('answers used_by with what deleting the source cascades to', async () => {
    const user = await createUser(app, 'linked');
    const oauth = (await app.request({ method: 'GET', url: '/api/v3/sources/oauth/zeta-oauth/' })).json();
    const conn = await app.ctx.store.repos.userConnections.create({ kind: 'oauth', userId: user.id, sourceUuid: oauth.pk, identifier: 'ext-1' });
    const res = await app.request({ method: 'GET', url: '/api/v3/sources/all/zeta-oauth/used_by/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        app: 'authentik_sources_oauth',
        model_name: 'useroauthsourceconnection',
        pk: String(conn.id),
        name: 'User-source connection (user=linked, source=zeta-oauth)',
        action: 'cascade',
      },
    ]);
    for (const u of res.json()) expect(missingRequiredKeys('UsedBy', u)).toEqual([]);
  });
});
