/**
 * What bodies the admin API parses: JSON everywhere and multipart for the icon upload, like
 * authentik. A form-encoded body — what any page can post cross-site — is a 415 on the API while
 * the browser pages keep taking their own forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { openConsole } from '../../../support/csrf.js';
import { sessionCookie } from '../../../support/sessions.js';
import { createOAuth } from './sources/helpers.js';

const FORM = 'application/x-www-form-urlencoded';
const FORM_REFUSED = { detail: `Unsupported media type "${FORM}" in request.`, code: 'unsupported_media_type' };
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await createOAuth(app, 'body-oauth');
});
afterAll(async () => app?.close());

function iconForm(): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----tributary-body-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="i.png"\r\nContent-Type: image/png\r\n\r\n`),
    PNG,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('form-encoded bodies on the admin API', () => {
  it('are refused with 415 even with a bearer token, and nothing is written', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      payload: 'username=form-user&name=Form',
      headers: { 'content-type': FORM },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual(FORM_REFUSED);
    expect(await app.ctx.store.repos.users.byUsername('form-user')).toBeNull();
  });

  it('are refused with a charset parameter and on PATCH', async () => {
    const admin = (await app.ctx.store.repos.users.byUsername('akadmin'))!;
    const res = await app.request({
      method: 'PATCH',
      url: `/api/v3/core/users/${admin.id}/`,
      payload: 'name=Renamed',
      headers: { 'content-type': `${FORM}; charset=utf-8` },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual(FORM_REFUSED);
    expect((await app.ctx.store.repos.users.byId(admin.id))?.name).not.toBe('Renamed');
  });

  it('leave JSON working', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload: { username: 'json-user', name: 'JSON' } });
    expect(res.statusCode).toBe(201);
  });

  it('leave the browser pages their forms', async () => {
    const page = await app.request({ method: 'GET', url: '/if/flow/default-authentication-flow/', token: null });
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
    const res = await app.request({
      method: 'POST',
      url: '/if/flow/default-authentication-flow/',
      token: null,
      headers: { cookie, 'content-type': FORM },
      payload: new URLSearchParams({ csrf, username: 'akadmin', password: 'wrong password' }).toString(),
    });
    // The form was read: the password was checked, not the media type refused.
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Invalid username or password.');
  });
});

describe('multipart icon upload', () => {
  it('still works with a bearer token', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/sources/all/body-oauth/set_icon/', ...iconForm() });
    expect(res.statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/all/body-oauth/' })).json().icon).toBe(
      `data:image/png;base64,${PNG.toString('base64')}`,
    );
  });

  it('still works from the console with the session cookie and the CSRF header, and not without the header', async () => {
    const admin = (await app.ctx.store.repos.users.byUsername('akadmin'))!;
    const console_ = await openConsole(app, await sessionCookie(app, admin.id));
    await app.request({ method: 'POST', url: '/api/v3/sources/all/body-oauth/set_icon/', payload: { clear: true } });
    const form = iconForm();
    const forged = await app.request({
      method: 'POST',
      url: '/api/v3/sources/all/body-oauth/set_icon/',
      token: null,
      payload: form.payload,
      headers: { ...form.headers, cookie: console_.headers.cookie, origin: console_.origin },
    });
    expect(forged.statusCode).toBe(403);
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/all/body-oauth/' })).json().icon).toBeNull();
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/sources/all/body-oauth/set_icon/',
      token: null,
      payload: form.payload,
      headers: { ...form.headers, ...console_.headers },
    });
    expect(res.statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/all/body-oauth/' })).json().icon).toMatch(/^data:image\/png;base64,/);
  });
});
