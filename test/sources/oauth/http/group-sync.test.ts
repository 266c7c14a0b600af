/**
 * Group synchronisation end to end (docs/behaviour.md#group-sync): the IdP's `groups` claim becomes
 * local groups connected to the source; on every login the user's membership of *this source's*
 * groups follows the claim, and groups the source never connected are left alone. A group matching
 * refusal fails the whole login and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../support/browser.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import type { OidcAccount } from '../../../fakes/oidc-provider.js';
import { CLIENT_ID, CLIENT_SECRET, countRows, expectNothingWritten, pageText, startEnv, whoAmI, type Env } from './helpers.js';

const GROUP_FAILURE = 'Failed to update groups. Please try again later.';
let env: Env;
const uuids: Record<string, string> = {};

beforeAll(async () => {
  const modes = { 'g-id': 'identifier', 'g-link': 'name_link', 'g-deny': 'name_deny' };
  env = await startEnv({ slugs: [...Object.keys(modes), 'g-link-pm'], accounts: [{ sub: 'placeholder' }] });
  for (const [slug, mode] of Object.entries(modes)) {
    uuids[slug] = (
      await createOidcSource(env.app, {
        slug,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        wellKnownUrl: env.idp.wellKnownUrl,
        groupMatchingMode: mode,
      })
    ).uuid;
  }
  // name_link with a group property mapping: what LINK writes into the linked group.
  const tag = await env.app.ctx.store.repos.propertyMappings.create({
    kind: 'oauth',
    name: 'tag synced groups',
    expression: 'return { attributes: { synced_from: source.slug } }',
  });
  uuids['g-link-pm'] = (
    await createOidcSource(env.app, {
      slug: 'g-link-pm',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      wellKnownUrl: env.idp.wellKnownUrl,
      groupMatchingMode: 'name_link',
      groupPropertyMappings: [tag.uuid],
    })
  ).uuid;
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const repos = () => env.app.ctx.store.repos;

async function loginWith(slug: string, account: OidcAccount) {
  env.idp.setAccount(account);
  env.idp.loginAs(account.sub);
  const browser = new TestBrowser();
  const page = await browser.get(`${env.base}/source/oauth/login/${slug}/`);
  return { page, browser, text: pageText(page.body) };
}

async function groupNamesOf(username: string): Promise<string[]> {
  const user = (await repos().users.byUsername(username))!;
  const uuidsOf = (await repos().users.groupUuidsOf([user.id])).get(user.id) ?? [];
  return (await repos().groups.byUuids(uuidsOf)).map((g) => g.name).sort();
}

describe('group sync', () => {
  it('creates and connects claimed groups, drops stale source groups on the next login, never touches other groups', async () => {
    const account = { sub: 'alice-sub', preferred_username: 'alice', groups: ['red', 'blue'] };
    expect((await loginWith('g-id', account)).page.url).toBe(`${env.base}/if/user/`);
    expect(await groupNamesOf('alice')).toEqual(['blue', 'red']);
    const red = (await repos().groupConnections.bySourceIdentifier(uuids['g-id'], 'red'))!;
    expect((await repos().groups.byUuid(red.groupUuid))?.name).toBe('red');

    // Memberships the source does not own: a manual group, and a group of another source.
    const alice = (await repos().users.byUsername('alice'))!;
    const manual = await repos().groups.create({ name: 'manual-club' });
    const foreign = await repos().groups.create({ name: 'foreign' });
    await repos().groupConnections.create({ kind: 'oauth', groupUuid: foreign.uuid, sourceUuid: uuids['g-link'], identifier: 'foreign' });
    await repos().groups.addMembers(manual.uuid, [alice.id]);
    await repos().groups.addMembers(foreign.uuid, [alice.id]);

    await loginWith('g-id', { ...account, groups: ['blue', 'green'] });
    expect(await groupNamesOf('alice')).toEqual(['blue', 'foreign', 'green', 'manual-club']);
    // The stale group itself survives, still connected; only the membership went.
    expect(await repos().groups.byUuid(red.groupUuid)).not.toBeNull();
    expect(await repos().groupConnections.bySourceIdentifier(uuids['g-id'], 'red')).not.toBeNull();

    await loginWith('g-id', { ...account, groups: [] });
    expect(await groupNamesOf('alice')).toEqual(['foreign', 'manual-club']);
  });

  it('skips group entries without a usable id, records one configuration_error, and still logs in (property mappings, step 4)', async () => {
    const groups = ['plain', { id: 'obj-id', name: 'Object Group' }, { description: 'no id' }, true];
    const { browser } = await loginWith('g-id', { sub: 'olga-sub', preferred_username: 'olga', groups });
    expect(await whoAmI(env, browser)).toBe('olga');
    expect(await groupNamesOf('olga')).toEqual(['Object Group', 'plain']);
    expect(await repos().groupConnections.bySourceIdentifier(uuids['g-id'], 'obj-id')).not.toBeNull();
    const events = await repos().events.recent('configuration_error', 5);
    expect(events.map((e) => e.context?.message)).toContain(
      "Source 'Source g-id' returned 2 group(s) whose identifier is not a string; they were not applied to the user.",
    );
  });

  it('renames a connected group on the next login when the IdP renamed it (AUTH applies update_attributes)', async () => {
    const account = { sub: 'rita-sub', preferred_username: 'rita', groups: [{ id: 'team-7', name: 'Team Seven' }] };
    await loginWith('g-id', account);
    const { groupUuid } = (await repos().groupConnections.bySourceIdentifier(uuids['g-id'], 'team-7'))!;
    expect((await repos().groups.byUuid(groupUuid))?.name).toBe('Team Seven');
    const { browser } = await loginWith('g-id', { ...account, groups: [{ id: 'team-7', name: 'Team 7 (renamed)' }] });
    expect(await whoAmI(env, browser)).toBe('rita');
    expect((await repos().groups.byUuid(groupUuid))?.name).toBe('Team 7 (renamed)');
    expect(await groupNamesOf('rita')).toEqual(['Team 7 (renamed)']);
  });

  it('fails the login when identifier mode would create a group whose name is taken', async () => {
    await repos().groups.create({ name: 'taken-name' });
    const { page, browser, text } = await expectNothingWritten(env.app, () =>
      loginWith('g-id', { sub: 'tess-sub', preferred_username: 'tess', groups: ['taken-name'] }),
    );
    expect(page.status).toBe(400);
    expect(text).toContain(GROUP_FAILURE);
    expect(await whoAmI(env, browser)).toBeNull();
  });
});

describe('group matching modes', () => {
  it('name_link connects an existing group instead of creating one', async () => {
    const staff = await repos().groups.create({ name: 'staff' });
    const groups = (await countRows(env.app)).groups;
    await loginWith('g-link', { sub: 'bob-sub', preferred_username: 'bob', groups: ['staff'] });
    expect(await groupNamesOf('bob')).toEqual(['staff']);
    expect((await repos().groupConnections.bySourceIdentifier(uuids['g-link'], 'staff'))?.groupUuid).toBe(staff.uuid);
    expect((await countRows(env.app)).groups).toBe(groups);
  });

  it('name_link writes the group properties into the group it links (LINK applies update_attributes)', async () => {
    const ops = await repos().groups.create({ name: 'ops', attributes: { local: 'kept' } });
    await loginWith('g-link-pm', { sub: 'otto-sub', preferred_username: 'otto', groups: ['ops'] });
    expect(await groupNamesOf('otto')).toEqual(['ops']);
    expect((await repos().groupConnections.bySourceIdentifier(uuids['g-link-pm'], 'ops'))?.groupUuid).toBe(ops.uuid);
    expect((await repos().groups.byUuid(ops.uuid))?.attributes).toEqual({ local: 'kept', synced_from: 'g-link-pm' });
  });

  it('name_link refuses to connect a superuser group', async () => {
    await repos().groups.create({ name: 'root-admins', isSuperuser: true });
    const { page, text } = await expectNothingWritten(env.app, () =>
      loginWith('g-link', { sub: 'mallory-sub', preferred_username: 'mallory', groups: ['root-admins'] }),
    );
    expect(page.status).toBe(400);
    expect(text).toContain(GROUP_FAILURE);
    expect(await repos().users.byUsername('mallory')).toBeNull();
  });

  it('name_link refuses a child of a superuser group (superuser is inherited): nobody becomes superuser', async () => {
    const admins = await repos().groups.create({ name: 'e2e authentik Admins', isSuperuser: true });
    await repos().groups.create({ name: 'e2e admins-child', parentUuid: admins.uuid });
    const { page, browser, text } = await expectNothingWritten(env.app, () =>
      loginWith('g-link', { sub: 'mallet-sub', preferred_username: 'mallet', groups: ['e2e admins-child'] }),
    );
    expect(page.status).toBe(400);
    expect(text).toContain(GROUP_FAILURE);
    expect(await whoAmI(env, browser)).toBeNull();
    expect(await repos().users.byUsername('mallet')).toBeNull();

    // A returning user who already signed in through the source is refused the same way.
    const { browser: first } = await loginWith('g-link', { sub: 'mallet-sub', preferred_username: 'mallet', groups: [] });
    expect(await whoAmI(env, first)).toBe('mallet');
    const mallet = (await repos().users.byUsername('mallet'))!;
    const again = await loginWith('g-link', { sub: 'mallet-sub', preferred_username: 'mallet', groups: ['e2e admins-child'] });
    expect(again.page.status).toBe(400);
    expect(await repos().users.superuserIds([mallet.id])).toEqual(new Set());
    expect(await groupNamesOf('mallet')).toEqual([]);
  });

  it('name_deny fails the login on an existing group name and writes nothing', async () => {
    await repos().groups.create({ name: 'deny-me' });
    const { page, browser, text } = await expectNothingWritten(env.app, () =>
      loginWith('g-deny', { sub: 'carl-sub', preferred_username: 'carl', groups: ['deny-me'] }),
    );
    expect(page.status).toBe(400);
    expect(text).toContain(GROUP_FAILURE);
    expect(await whoAmI(env, browser)).toBeNull();
    expect(await repos().users.byUsername('carl')).toBeNull();
  });

  it('name_deny creates groups that do not exist yet', async () => {
    const { browser } = await loginWith('g-deny', { sub: 'dora-sub', preferred_username: 'dora', groups: ['brand-new'] });
    expect(await whoAmI(env, browser)).toBe('dora');
    expect(await groupNamesOf('dora')).toEqual(['brand-new']);
  });

  it('a refusal on a returning user rolls the whole login back', async () => {
    await loginWith('g-deny', { sub: 'eve-sub', preferred_username: 'eve', groups: ['eve-group'] });
    await repos().groups.create({ name: 'later-clash' });
    const { page, browser } = await expectNothingWritten(env.app, () =>
      loginWith('g-deny', { sub: 'eve-sub', preferred_username: 'eve', groups: ['eve-group', 'later-clash'] }),
    );
    expect(page.status).toBe(400);
    expect(await whoAmI(env, browser)).toBeNull();
    expect(await groupNamesOf('eve')).toEqual(['eve-group']);
  });
});
