/** /Users: create, read, list, replace, patch, delete (RFC 7644 §3.3–§3.6). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { sessionCookie } from '../../../support/sessions.js';
import { addScimMapping, createScimSource, ENTERPRISE, patch, scimClient, USER_SCHEMA, type ScimCall, type TestScimSource } from './support.js';

let app: TestApp;
let source: TestScimSource;
let scim: ScimCall;

beforeAll(async () => {
  app = await createTestApp();
  source = await createScimSource(app, { userPathTemplate: 'scim/%(slug)s' });
  scim = scimClient(app, source);
});
afterAll(async () => app?.close());

const newUser = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName, ...extra });

describe('POST /Users', () => {
  it('creates the user from its base properties with path, meta, Location and the stored payload', async () => {
    const r = await scim(
      'POST',
      '/Users',
      newUser('bjensen', {
        externalId: 'bj-1',
        name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
        displayName: 'Babs',
        emails: [
          { value: 'bj@home.example', type: 'home' },
          { value: 'bj@work.example', type: 'work', primary: true },
        ],
        [ENTERPRISE]: { employeeNumber: '701984', costCenter: '4130' },
        x_custom: { favouriteColour: 'teal' },
      }),
    );
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(`http://testserver/source/scim/${source.slug}/v2/Users/${r.body.id}`);
    expect(r.body.meta).toMatchObject({ resourceType: 'User', location: r.headers.location });
    expect(Date.parse(r.body.meta.created)).not.toBeNaN();
    expect(r.body).toMatchObject({
      userName: 'bjensen',
      externalId: 'bj-1',
      active: true,
      x_custom: { favouriteColour: 'teal' },
      [ENTERPRISE]: { employeeNumber: '701984' },
    });
    const user = await app.ctx.store.repos.users.byUuid(r.body.id);
    expect(user).toMatchObject({
      username: 'bjensen',
      name: 'Ms. Barbara J Jensen III',
      email: 'bj@work.example',
      isActive: true,
      path: `scim/${source.slug}`,
      type: 'internal',
    });
    const link = await app.db.selectFrom('scim_source_users').selectAll().where('user_id', '=', user!.id).executeTakeFirstOrThrow();
    expect(link).toMatchObject({ external_id: 'bj-1', source_uuid: source.uuid });
    expect(link.attributes).toMatchObject({ x_custom: { favouriteColour: 'teal' } });
  });

  it('generates an external id when none is sent, but does not show it', async () => {
    const r = await scim('POST', '/Users', newUser('no-ext', { active: 'False' }));
    expect(r.status).toBe(201);
    expect(r.body).not.toHaveProperty('externalId');
    expect(r.body.active).toBe(false);
    const link = await app.db
      .selectFrom('scim_source_users')
      .select(['scim_source_users.id', 'scim_source_users.external_id'])
      .innerJoin('users', 'users.id', 'scim_source_users.user_id')
      .where('users.username', '=', 'no-ext')
      .executeTakeFirstOrThrow();
    expect(link.external_id).toBe(link.id);
  });

  it('falls back to users for a malformed path template', async () => {
    const s = await createScimSource(app, { userPathTemplate: '%(nope)s' });
    const r = await scimClient(app, s)('POST', '/Users', newUser('pathless'));
    expect((await app.ctx.store.repos.users.byUuid(r.body.id))?.path).toBe('users');
  });

  it('records model_created attributed to the service account', async () => {
    const r = await scim('POST', '/Users', newUser('evented'));
    const events = await app.ctx.store.repos.events.recent('model_created', 20);
    const ev = events.find((e) => (e.context as any)?.model?.name === 'evented');
    expect(ev?.user).toEqual({ pk: source.serviceAccountId, username: `ak-source-scim-${source.uuid}` });
    expect(ev?.context).toMatchObject({ model: { model_name: 'user' }, source: source.name });
    expect(r.status).toBe(201);
  });

  it('applies the source user property mappings (data = raw payload)', async () => {
    const s = await createScimSource(app);
    await addScimMapping(app, s, 'user', 'phone', 'return { attributes: { phone: data.phoneNumbers?.[0]?.value ?? null, src: source.slug } }');
    await addScimMapping(app, s, 'user', 'upper', 'return { name: properties.username.toUpperCase() }');
    const r = await scimClient(app, s)('POST', '/Users', newUser('mapped', { phoneNumbers: [{ value: '+1 555', type: 'work' }] }));
    expect(r.status).toBe(201);
    const user = await app.ctx.store.repos.users.byUuid(r.body.id);
    expect(user?.attributes).toEqual({ phone: '+1 555', src: s.slug });
    expect(user?.name).toBe('MAPPED');
  });

  it('a failing mapping is a 400 plus a configuration_error event, and nothing is written', async () => {
    const s = await createScimSource(app);
    await addScimMapping(app, s, 'user', 'broken', 'throw new Error("boom")');
    const r = await scimClient(app, s)('POST', '/Users', newUser('not-written'));
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidValue');
    expect(await app.ctx.store.repos.users.byUsername('not-written')).toBeNull();
    const events = await app.ctx.store.repos.events.recent('configuration_error', 5);
    expect(events.some((e) => (e.context as any)?.mapping === 'broken')).toBe(true);
  });
});

describe('GET /Users', () => {
  let ids: string[] = [];
  let s: TestScimSource;
  let c: ScimCall;
  beforeAll(async () => {
    s = await createScimSource(app);
    c = scimClient(app, s);
    ids = [];
    for (let i = 1; i <= 7; i++) {
      const r = await c(
        'POST',
        '/Users',
        newUser(`page${i}`, {
          emails: [{ value: `p${i}@example.com`, type: i % 2 ? 'work' : 'home', primary: true }],
          title: i <= 3 ? 'Engineer' : 'Manager',
        }),
      );
      ids.push(r.body.id);
    }
  });

  it('pages with exact startIndex / count semantics (RFC 7644 §3.4.2.4)', async () => {
    const page = async (q: string) => (await c('GET', `/Users?${q}`)).body;
    expect(await page('startIndex=3&count=2')).toMatchObject({ totalResults: 7, startIndex: 3, itemsPerPage: 2 });
    expect((await page('startIndex=3&count=2')).Resources.map((u: any) => u.id)).toEqual(ids.slice(2, 4));
    expect((await page('startIndex=6&count=5')).Resources.map((u: any) => u.id)).toEqual(ids.slice(5));
    expect(await page('startIndex=0&count=1')).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
    expect(await page('count=0')).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    expect(await page('count=-4')).toMatchObject({ totalResults: 7, itemsPerPage: 0 });
    expect(await page('startIndex=99')).toMatchObject({ totalResults: 7, startIndex: 99, itemsPerPage: 0 });
  });

  it('filters in the database, including value paths and logic', async () => {
    const names = async (filter: string) =>
      (await c('GET', `/Users?filter=${encodeURIComponent(filter)}`)).body.Resources.map((u: any) => u.userName);
    expect(await names('userName eq "PAGE2"')).toEqual(['page2']);
    expect(await names('userName sw "page" and not (title eq "manager")')).toEqual(['page1', 'page2', 'page3']);
    expect(await names('emails[type eq "home"].value ew "example.com"')).toEqual(['page2', 'page4', 'page6']);
    expect(await names('emails[type eq "home" and value co "p4"]')).toEqual(['page4']);
    expect(await names('(userName eq "page1" or userName eq "page7") and emails pr')).toEqual(['page1', 'page7']);
    expect(await names(`id eq "${ids[4]}"`)).toEqual(['page5']);
    expect(await names('nickName pr')).toEqual([]);
    expect(await names('not (nickName pr)')).toHaveLength(7);
    expect(await names('TITLE Eq "engineer" AND USERNAME gt "page2"')).toEqual(['page3']);
    expect(await names('meta.created gt "2000-01-01T00:00:00Z"')).toHaveLength(7);
    expect(await names('id eq "not-a-uuid"')).toEqual([]);
  });

  it('counts the filtered set and pages within it', async () => {
    const r = (await c('GET', `/Users?filter=${encodeURIComponent('title eq "Manager"')}&startIndex=2&count=2`)).body;
    expect(r).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
    expect(r.Resources.map((u: any) => u.userName)).toEqual(['page5', 'page6']);
  });

  it('applies attributes / excludedAttributes to lists and single reads', async () => {
    const only = (await c('GET', '/Users?attributes=userName,emails.value&count=1')).body.Resources[0];
    expect(Object.keys(only).sort()).toEqual(['emails', 'id', 'schemas', 'userName']);
    expect(only.emails).toEqual([{ value: 'p1@example.com' }]);
    const without = (await c('GET', `/Users/${ids[0]}?excludedAttributes=emails,meta`)).body;
    expect(without).not.toHaveProperty('emails');
    expect(without).not.toHaveProperty('meta');
    expect(without.userName).toBe('page1');
  });

  it('emails.value and emails filters match any of the emails, like emails[value …] (RFC 7644 §3.4.2.2)', async () => {
    const multi = (
      await c(
        'POST',
        '/Users',
        newUser('multi-mail', {
          emails: [
            { value: 'main@multi.example', type: 'work', primary: true },
            { value: 'Other@Home.example', type: 'home' },
          ],
        }),
      )
    ).body;
    const names = async (filter: string) =>
      (await c('GET', `/Users?filter=${encodeURIComponent(filter)}`)).body.Resources.map((u: any) => u.userName);
    try {
      expect(await names('emails.value eq "other@home.example"')).toEqual(['multi-mail']);
      expect(await names('emails[value eq "other@home.example"]')).toEqual(['multi-mail']);
      expect(await names('emails eq "OTHER@home.example"')).toEqual(['multi-mail']);
      expect(await names('emails.value ew "@home.example"')).toEqual(['multi-mail']);
      expect(await names('emails.value eq "main@multi.example"')).toEqual(['multi-mail']);
      expect(await names('emails.value eq "p2@example.com"')).toEqual(['page2']);
    } finally {
      await c('DELETE', `/Users/${multi.id}`);
    }
  });

  it("never lists other sources' users", async () => {
    const r = (await scim('GET', `/Users?filter=${encodeURIComponent('userName sw "page"')}`)).body;
    expect(r.totalResults).toBe(0);
  });
});

describe('PUT, PATCH, DELETE /Users/<id>', () => {
  it('PUT replaces the payload and updates the user; externalId only when supplied', async () => {
    const created = (
      await scim('POST', '/Users', newUser('put-me', { externalId: 'put-1', nickName: 'p', emails: [{ value: 'a@x.y', primary: true }] }))
    ).body;
    const r = await scim('PUT', `/Users/${created.id}`, newUser('put-me-2', { name: { givenName: 'Put', familyName: 'Me' }, emails: [] }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: created.id, userName: 'put-me-2', externalId: 'put-1', name: { formatted: 'Put Me' } });
    expect(r.body).not.toHaveProperty('nickName');
    const user = await app.ctx.store.repos.users.byUuid(created.id);
    expect(user).toMatchObject({ username: 'put-me-2', name: 'Put Me', email: '' });
    expect(Date.parse(r.body.meta.lastModified)).toBeGreaterThanOrEqual(Date.parse(created.meta.lastModified));
  });

  it('PATCH supports every path form, in one atomic request', async () => {
    const created = (
      await scim(
        'POST',
        '/Users',
        newUser('patchy', {
          emails: [
            { value: 'w@x.y', type: 'work', primary: true },
            { value: 'h@x.y', type: 'home' },
          ],
        }),
      )
    ).body;
    const r = await scim(
      'PATCH',
      `/Users/${created.id}`,
      patch(
        { op: 'add', path: 'nickName', value: 'Patch' },
        { op: 'REPLACE', path: 'emails[type eq "home"].value', value: 'home@x.y' },
        { op: 'Add', path: 'phoneNumbers', value: [{ value: '123', type: 'work' }] },
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'R&D' },
        { op: 'remove', path: 'emails[type eq "work"]' },
        { op: 'replace', value: { displayName: 'Patchy McPatch', 'name.givenName': 'Patchy' } },
      ),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      nickName: 'Patch',
      emails: [{ value: 'home@x.y', type: 'home' }],
      phoneNumbers: [{ value: '123', type: 'work' }],
      [ENTERPRISE]: { department: 'R&D' },
      displayName: 'Patchy McPatch',
      name: { givenName: 'Patchy' },
    });
    expect((await app.ctx.store.repos.users.byUuid(created.id))?.email).toBe('home@x.y');
  });

  it('a PATCH with one bad operation changes nothing', async () => {
    const created = (await scim('POST', '/Users', newUser('atomic', { nickName: 'before' }))).body;
    const r = await scim(
      'PATCH',
      `/Users/${created.id}`,
      patch(
        { op: 'replace', path: 'nickName', value: 'after' },
        { op: 'replace', path: 'userName', value: 'atomic-renamed' },
        { op: 'remove', path: 'userName' },
      ),
    );
    expect(r.status).toBe(400);
    const again = (await scim('GET', `/Users/${created.id}`)).body;
    expect(again).toMatchObject({ userName: 'atomic', nickName: 'before' });
  });

  it("deactivation ends the user's sessions; reactivation does not resurrect them", async () => {
    const created = (await scim('POST', '/Users', newUser('sessioned'))).body;
    const user = (await app.ctx.store.repos.users.byUuid(created.id))!;
    await sessionCookie(app, user.id);
    await sessionCookie(app, user.id);
    const count = async () =>
      (
        await app.db
          .selectFrom('sessions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).n;
    expect(Number(await count())).toBe(2);
    await scim('PATCH', `/Users/${created.id}`, patch({ op: 'replace', path: 'active', value: false }));
    expect(Number(await count())).toBe(0);
    expect((await app.ctx.store.repos.users.byUuid(created.id))?.isActive).toBe(false);
  });

  it('DELETE removes the user and its link row, and records model_deleted', async () => {
    const created = (await scim('POST', '/Users', newUser('doomed', { externalId: 'doomed-ext' }))).body;
    const link = () => app.db.selectFrom('scim_source_users').select('id').where('external_id', '=', 'doomed-ext').executeTakeFirst();
    expect(await link()).toBeDefined();
    expect((await scim('DELETE', `/Users/${created.id}`)).status).toBe(204);
    expect(await app.ctx.store.repos.users.byUuid(created.id)).toBeNull();
    expect(await link()).toBeUndefined();
    const events = await app.ctx.store.repos.events.recent('model_deleted', 10);
    expect(events.some((e) => (e.context as any)?.model?.name === 'doomed')).toBe(true);
    expect((await scim('DELETE', `/Users/${created.id}`)).status).toBe(404);
  });
});

describe('ownership (never adopt, never touch what the source did not create)', () => {
  it("409 for a userName that belongs to a local user or to another source's user", async () => {
    await app.ctx.store.repos.users.create({ username: 'local-admin' });
    const r = await scim('POST', '/Users', newUser('local-admin'));
    expect(r.status).toBe(409);
    expect(r.body.scimType).toBe('uniqueness');
    const other = await createScimSource(app);
    await scimClient(app, other)('POST', '/Users', newUser('theirs'));
    expect((await scim('POST', '/Users', newUser('theirs'))).status).toBe(409);
  });

  it('cannot rename its user onto an existing username', async () => {
    await app.ctx.store.repos.users.create({ username: 'taken-name' });
    const mine = (await scim('POST', '/Users', newUser('mine'))).body;
    const r = await scim('PATCH', `/Users/${mine.id}`, patch({ op: 'replace', path: 'userName', value: 'taken-name' }));
    expect(r.status).toBe(409);
    expect(r.body.scimType).toBe('uniqueness');
  });

  it('userName is unique case-insensitively (RFC 7643 §4.1.1: caseExact false) and filters ignore its case', async () => {
    const first = await scim('POST', '/Users', newUser('bjensen-x'));
    expect(first.status).toBe(201);
    const again = await scim('POST', '/Users', newUser('BJENSEN-x'));
    expect(again.status).toBe(409);
    expect(again.body.scimType).toBe('uniqueness');
    expect(await app.ctx.store.repos.users.byUsername('BJENSEN-x')).toBeNull();
    // Another source's user and a local user count too.
    expect((await scimClient(app, await createScimSource(app))('POST', '/Users', newUser('Bjensen-X'))).status).toBe(409);
    await app.ctx.store.repos.users.create({ username: 'Local-Case' });
    expect((await scim('POST', '/Users', newUser('local-case'))).status).toBe(409);
    for (const filter of ['userName eq "BJENSEN-X"', 'userName co "JENSEN-"', 'userName sw "BJENSEN-"', 'userName ew "N-X"']) {
      const r = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(r.body.Resources.map((u: any) => u.userName)).toEqual(['bjensen-x']);
    }
  });

  it('cannot rename its user onto another username that differs only in case', async () => {
    await scim('POST', '/Users', newUser('case-owner'));
    await app.ctx.store.repos.users.create({ username: 'Case-Local' });
    const mine = (await scim('POST', '/Users', newUser('case-renamer'))).body;
    for (const target of ['CASE-OWNER', 'case-local']) {
      const r = await scim('PATCH', `/Users/${mine.id}`, patch({ op: 'replace', path: 'userName', value: target }));
      expect(r.status).toBe(409);
      expect(r.body.scimType).toBe('uniqueness');
    }
    // Changing the case of its own name is no conflict.
    const r = await scim('PUT', `/Users/${mine.id}`, newUser('Case-Renamer'));
    expect(r.status).toBe(200);
    expect(r.body.userName).toBe('Case-Renamer');
  });

  it('local users stay case-sensitive outside SCIM', async () => {
    await scim('POST', '/Users', newUser('scim-owned-name'));
    const local = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload: { username: 'SCIM-Owned-Name', name: 'Local' } });
    expect(local.statusCode).toBe(201);
    const second = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload: { username: 'scim-OWNED-name', name: 'Local 2' } });
    expect(second.statusCode).toBe(201);
    // An admin rename of a SCIM user onto another SCIM user's name in other case is a 400, not a 500.
    const other = (await scim('POST', '/Users', newUser('scim-other-name'))).body;
    const pk = (await app.ctx.store.repos.users.byUuid(other.id))!.id;
    const renamed = await app.request({ method: 'PATCH', url: `/api/v3/core/users/${pk}/`, payload: { username: 'SCIM-OWNED-NAME' } });
    expect(renamed.statusCode).toBe(400);
    expect(JSON.parse(renamed.body)).toEqual({ username: ['This field must be unique.'] });
  });

  it('cannot read, change or delete a user it did not create', async () => {
    const local = await app.ctx.store.repos.users.create({ username: 'untouchable' });
    const other = await createScimSource(app);
    const theirs = (await scimClient(app, other)('POST', '/Users', newUser('their-user'))).body;
    for (const id of [local.uuid, theirs.id]) {
      expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
      expect((await scim('PUT', `/Users/${id}`, newUser('hijack'))).status).toBe(404);
      expect((await scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'active', value: false }))).status).toBe(404);
      expect((await scim('DELETE', `/Users/${id}`)).status).toBe(404);
    }
    expect((await app.ctx.store.repos.users.byUuid(local.uuid))?.isActive).toBe(true);
    expect(await app.ctx.store.repos.users.byUuid(theirs.id)).not.toBeNull();
  });
});
