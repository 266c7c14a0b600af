/**
 * The SQL filter compiler against the reference evaluator: for each filter, the rows the
 * database returns must be exactly the resources protocols/scim `matchesFilter` accepts.
 * Runs on both databases through the real migrations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  filterToPredicate,
  GROUP_FILTER_SCHEMA,
  matchesFilter,
  parseFilter,
  USER_FILTER_SCHEMA,
  type JsonObject,
} from '../../../src/protocols/scim/index.js';
import { userResource } from '../../../src/sources/scim/representation.js';
import type { ScimStore } from '../../../src/storage/scim-ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createScimSource, type TestScimSource } from '../../sources/scim/http/support.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BASE = { baseUrl: 'http://testserver/source/scim/x/v2' };

let app: TestApp;
let store: ScimStore;
let source: TestScimSource;
const resources: JsonObject[] = [];

const PAYLOADS: JsonObject[] = [
  {
    userName: 'alice',
    name: { formatted: 'Alice Smith', givenName: 'Alice', familyName: 'Smith' },
    title: 'Engineer',
    emails: [{ value: 'alice@work.example', type: 'work', primary: true }],
    [ENT]: { employeeNumber: 7, department: 'R&D' },
  },
  {
    userName: 'Bob',
    name: { formatted: 'Bob Jones', familyName: 'Jones' },
    Title: 'engineer',
    emails: [{ value: 'bob@home.example', type: 'home', primary: 'True' }],
    active: false,
    [ENT]: { employeeNumber: 12 },
  },
  {
    userName: 'carol_100%',
    displayName: 'Carol',
    nickName: '',
    emails: [],
    locale: 'en-GB',
    [ENT]: { manager: { value: 'mgr-1' }, department: 'Sales' },
  },
  { userName: 'dave', nickName: 'D', title: ['lead', 'Architect'], emails: [{ value: 'dave@work.example', type: 'work' }, 'junk'] },
  {
    userName: 'erin',
    name: { formatted: "O'Brien" },
    timezone: 'Europe/Dublin',
    EMAILS: [{ VALUE: 'erin@work.example', TYPE: 'Work', PRIMARY: true }],
  },
];

beforeAll(async () => {
  app = await createTestApp();
  store = app.ctx.store;
  source = await createScimSource(app);
  for (const [i, payload] of PAYLOADS.entries()) {
    const record = await store.transaction((unit) =>
      unit.scim.createUser(source.uuid, {
        username: payload.userName as string,
        name: (payload.name as { formatted?: string } | undefined)?.formatted ?? (payload.displayName as string | undefined) ?? '',
        email: ['alice@work.example', 'bob@home.example', '', 'dave@work.example', 'erin@work.example'][i],
        isActive: payload.active !== false,
        path: 'users',
        attributes: {},
        externalId: `ext-${i}`,
        payload,
      }),
    );
    resources.push(userResource(record, BASE));
  }
});
afterAll(async () => app?.close());

const FILTERS = [
  'userName eq "ALICE"',
  'userName ne "alice"',
  'userName co "%"',
  'userName co "_"',
  'userName sw "c" or userName ew "E"',
  'userName gt "bob" and userName lt "dave"',
  'userName ge "Bob"',
  'userName le "carol_100%"',
  `userName eq "x' OR 1=1 --"`,
  'externalId eq "ext-1"',
  'externalId eq "EXT-1"',
  'active eq false',
  'active ne true',
  'displayName sw "o\'"',
  'name.familyName pr',
  'not (name.familyName pr)',
  'name.familyName eq "smith"',
  'name[givenName eq "Alice"]',
  'title eq "engineer"',
  'title eq "architect"',
  'not (title eq "engineer")',
  'title pr',
  'nickName pr',
  'not (nickName pr)',
  'nickName eq ""',
  'locale eq "en-gb" or timezone co "dublin"',
  'emails[type eq "work"]',
  'emails[type eq "work" and value ew "example"]',
  'emails[primary eq true]',
  'emails[primary eq false]',
  'emails[not (type eq "home")]',
  'emails[type eq "work"].value co "dave"',
  'emails pr',
  'emails.value sw "alice"',
  `${ENT}:employeeNumber gt 10`,
  `${ENT}:employeeNumber le 7`,
  `${ENT}:employeeNumber eq "7"`,
  `${ENT}:department eq "sales"`,
  `${ENT}:manager eq "mgr-1"`,
  `${ENT}:manager.value pr`,
  '(userName eq "alice" or userName eq "bob") and not (active eq false)',
  'meta.created gt "2000-01-01T00:00:00Z" and meta.lastModified lt "2999-01-01T00:00:00+02:00"',
  'meta.created lt "2000-01-01T00:00:00Z"',
];

describe('SCIM filters in SQL match the reference evaluator', () => {
  it.each(FILTERS)('%s', async (text) => {
    const filter = parseFilter(text);
    const predicate = filterToPredicate(filter, USER_FILTER_SCHEMA);
    const page = await store.repos.scim.listUsers(source.uuid, { predicate, offset: 0, limit: 100 });
    const got = page.items.map((u) => u.username);
    const expected = resources.filter((r) => matchesFilter(filter, r)).map((r) => r.userName as string);
    expect(got).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it('emails filters see every email the representation shows, and agree with emails[…]', async () => {
    const own = await createScimSource(app);
    const users: Array<{ username: string; email: string; payload: JsonObject }> = [
      {
        username: 'two-mails',
        email: 'first@work.example',
        payload: {
          emails: [
            { value: 'first@work.example', type: 'work', primary: true },
            { value: 'Second@Home.example', type: 'home' },
          ],
        },
      },
      // A mapping set the email; the payload has no emails, so the representation shows the column.
      { username: 'column-only', email: 'mapped@work.example', payload: {} },
      { username: 'no-mail', email: '', payload: {} },
      { username: 'empty-list', email: 'hidden@work.example', payload: { Emails: [] } },
    ];
    const represented: JsonObject[] = [];
    for (const u of users) {
      const record = await store.transaction((unit) =>
        unit.scim.createUser(own.uuid, {
          username: u.username,
          name: '',
          email: u.email,
          isActive: true,
          path: 'users',
          attributes: {},
          externalId: null,
          payload: { userName: u.username, ...u.payload },
        }),
      );
      represented.push(userResource(record, BASE));
    }
    const filters = [
      'emails.value eq "second@home.example"',
      'emails eq "SECOND@home.example"',
      'emails[value eq "second@home.example"]',
      'emails.value co "work.example"',
      'emails[value co "work.example"]',
      'emails.value eq "mapped@work.example"',
      'emails[type eq "work" and primary eq true]',
      'emails.value eq "hidden@work.example"',
      'emails pr',
      'not (emails pr)',
      'emails.type eq "home"',
    ];
    for (const text of filters) {
      const filter = parseFilter(text);
      const page = await store.repos.scim.listUsers(own.uuid, { predicate: filterToPredicate(filter, USER_FILTER_SCHEMA), offset: 0, limit: 100 });
      const expected = represented.filter((r) => matchesFilter(filter, r)).map((r) => r.userName);
      expect(
        page.items.map((u) => u.username),
        text,
      ).toEqual(expected);
    }
    const find = async (text: string) =>
      (
        await store.repos.scim.listUsers(own.uuid, { predicate: filterToPredicate(parseFilter(text), USER_FILTER_SCHEMA), offset: 0, limit: 100 })
      ).items.map((u) => u.username);
    expect(await find('emails.value eq "second@home.example"')).toEqual(['two-mails']);
    expect(await find('emails.value eq "mapped@work.example"')).toEqual(['column-only']);
    expect(await find('emails.value eq "hidden@work.example"')).toEqual([]);
  });

  it('id filters use the uuid column, malformed ids match nothing', async () => {
    const id = resources[2].id as string;
    for (const [text, want] of [
      [`id eq "${id.toUpperCase()}"`, ['carol_100%']],
      ['id eq "nope"', []],
      [`id sw "${id.slice(0, 8)}"`, ['carol_100%']],
    ] as const) {
      const predicate = filterToPredicate(parseFilter(text), USER_FILTER_SCHEMA);
      expect((await store.repos.scim.listUsers(source.uuid, { predicate, offset: 0, limit: 10 })).items.map((u) => u.username)).toEqual(want);
    }
  });

  it('pages in SQL: offset/limit over the filtered, id-ordered set', async () => {
    const predicate = filterToPredicate(parseFilter('userName pr'), USER_FILTER_SCHEMA);
    const page = await store.repos.scim.listUsers(source.uuid, { predicate, offset: 1, limit: 2 });
    expect(page).toMatchObject({ total: 5 });
    expect(page.items.map((u) => u.username)).toEqual(['Bob', 'carol_100%']);
  });

  it('scopes every query to the source', async () => {
    const other = await createScimSource(app);
    const predicate = filterToPredicate(parseFilter('userName pr'), USER_FILTER_SCHEMA);
    expect(await store.repos.scim.listUsers(other.uuid, { predicate, offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
  });

  it('group member filters only see members that are users of the source', async () => {
    const [alice, bob] = await Promise.all(['alice', 'Bob'].map((n) => app.ctx.store.repos.users.byUsername(n)));
    const local = await app.ctx.store.repos.users.create({ username: 'outsider' });
    const group = await store.transaction(async (unit) => {
      const g = await unit.scim.createGroup(source.uuid, {
        name: 'Filtered',
        attributes: {},
        externalId: null,
        payload: { displayName: 'Filtered' },
      });
      await unit.scim.changeMembers(source.uuid, g.uuid, { add: [alice!.uuid], remove: [], removeAll: false });
      return g;
    });
    await app.ctx.store.repos.groups.addMembers(group.uuid, [local.id]);
    const find = async (text: string) =>
      (
        await store.repos.scim.listGroups(source.uuid, { predicate: filterToPredicate(parseFilter(text), GROUP_FILTER_SCHEMA), offset: 0, limit: 10 })
      ).items.map((g) => g.name);
    expect(await find(`members eq "${alice!.uuid}"`)).toEqual(['Filtered']);
    expect(await find(`members[value eq "${bob!.uuid}"]`)).toEqual([]);
    expect(await find(`members[value eq "${local.uuid}"]`)).toEqual([]);
    expect(await find('members.display eq "alice smith"')).toEqual(['Filtered']);
    expect(await find('displayName eq "FILTERED" and members pr')).toEqual(['Filtered']);
    expect((await store.repos.scim.members(source.uuid, [group.uuid])).get(group.uuid)).toEqual([{ uuid: alice!.uuid, display: 'Alice Smith' }]);
  });
});
