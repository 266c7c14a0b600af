/** Conformance of the flow, keypair, property-mapping, event and settings repositories. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors/index.js';
import { generateSelfSigned, type GeneratedPair } from '../../../src/security/certificates.js';
import type { Repositories } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { expectValidation, q } from './support.js';

let app: TestApp;
let repos: Repositories;
let pair: GeneratedPair;
beforeAll(async () => {
  app = await createTestApp();
  repos = app.ctx.store.repos;
  pair = await generateSelfSigned({ commonName: 'conformance', subjectAltNames: [], validityDays: 1, algorithm: 'ecdsa' });
});
afterAll(async () => app?.close());

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('flows', () => {
  it('creates with defaults, reads by slug and uuid, updates, deletes', async () => {
    const f = await repos.flows.create({ slug: 'of-one', name: 'One', title: 'Title', designation: 'authentication' });
    expect(f).toEqual({
      uuid: f.uuid,
      slug: 'of-one',
      name: 'One',
      title: 'Title',
      designation: 'authentication',
      authentication: 'none',
      layout: 'stacked',
      deniedAction: 'message_continue',
      policyEngineMode: 'any',
      compatibilityMode: false,
      background: '',
      managed: null,
    });
    expect(await repos.flows.bySlug('of-one')).toEqual(f);
    expect(await repos.flows.byUuid(f.uuid)).toEqual(f);
    const u = await repos.flows.update(f.uuid, { title: 'New', layout: 'sidebar_left', compatibilityMode: true });
    expect(u).toMatchObject({ slug: 'of-one', title: 'New', layout: 'sidebar_left', compatibilityMode: true, name: 'One' });
    expect(await repos.flows.update(f.uuid, {})).toEqual(u);
    await expect(repos.flows.update(MISSING, { title: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.flows.update(MISSING, {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.flows.delete(f.uuid)).toBe(true);
    expect(await repos.flows.delete(f.uuid)).toBe(false);
    expect(await repos.flows.bySlug('of-one')).toBeNull();
  });

  it('lists the bootstrap flows with filters, search, ordering and exact totals', async () => {
    const all = await repos.flows.list(q({ ordering: [{ field: 'slug', desc: false }] }));
    expect(all.total).toBe(3);
    expect(all.items.map((f) => f.slug)).toEqual(['default-source-authentication', 'default-source-enrollment', 'default-source-pre-authentication']);
    const enroll = await repos.flows.list(q({ filters: [{ field: 'designation', value: 'enrollment' }] }));
    expect(enroll.items.map((f) => f.slug)).toEqual(['default-source-enrollment']);
    const search = await repos.flows.list(q({ search: 'PRE-AUTH' }));
    expect(search.total).toBe(1);
    const page = await repos.flows.list(q({ ordering: [{ field: 'slug', desc: true }], offset: 2, limit: 5 }));
    expect(page).toMatchObject({ total: 3, items: [{ slug: 'default-source-authentication' }] });
  });

  it('maps a duplicate slug to a ValidationError', async () => {
    await expectValidation(repos.flows.create({ slug: 'default-source-enrollment', name: 'x', title: 'x', designation: 'enrollment' }), {
      slug: ['flow with this slug already exists.'],
    });
    const f = await repos.flows.create({ slug: 'of-two', name: 'x', title: 'x', designation: 'enrollment' });
    await expectValidation(repos.flows.update(f.uuid, { slug: 'default-source-enrollment' }), { slug: ['flow with this slug already exists.'] });
    await repos.flows.delete(f.uuid);
  });
});

describe('keypairs', () => {
  it('creates, reads, reveals the private key, updates and deletes', async () => {
    const kp = await repos.keypairs.create({ name: 'ok-one', certificateData: pair.certificatePem, keyData: pair.privateKeyPem });
    expect(kp).toEqual({ uuid: kp.uuid, name: 'ok-one', certificateData: pair.certificatePem, hasPrivateKey: true, managed: null });
    expect(await repos.keypairs.byUuid(kp.uuid)).toEqual(kp);
    expect(await repos.keypairs.privateKey(kp.uuid)).toBe(pair.privateKeyPem);
    expect(await repos.keypairs.privateKey(MISSING)).toBeNull();
    const noKey = await repos.keypairs.update(kp.uuid, { keyData: null, name: 'ok-renamed' });
    expect(noKey).toMatchObject({ name: 'ok-renamed', hasPrivateKey: false });
    expect(await repos.keypairs.privateKey(kp.uuid)).toBeNull();
    expect(await repos.keypairs.update(kp.uuid, {})).toEqual(noKey);
    await expect(repos.keypairs.update(MISSING, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.keypairs.delete(kp.uuid)).toBe(true);
    expect(await repos.keypairs.delete(kp.uuid)).toBe(false);
  });

  it('lists with has_key filter, search and ordering', async () => {
    const a = await repos.keypairs.create({ name: 'ok-list-a', certificateData: pair.certificatePem, keyData: pair.privateKeyPem });
    const b = await repos.keypairs.create({ name: 'ok-list-b', certificateData: pair.certificatePem });
    const withKey = await repos.keypairs.list(q({ search: 'OK-LIST', filters: [{ field: 'has_key', value: true }] }));
    expect(withKey.items.map((k) => k.name)).toEqual(['ok-list-a']);
    const desc = await repos.keypairs.list(q({ search: 'ok-list', ordering: [{ field: 'name', desc: true }] }));
    expect(desc).toMatchObject({ total: 2, items: [{ name: 'ok-list-b' }, { name: 'ok-list-a' }] });
    await repos.keypairs.delete(a.uuid);
    await repos.keypairs.delete(b.uuid);
  });

  it('maps a duplicate name to a ValidationError', async () => {
    const kp = await repos.keypairs.create({ name: 'ok-dup', certificateData: pair.certificatePem });
    await expectValidation(repos.keypairs.create({ name: 'ok-dup', certificateData: pair.certificatePem }), {
      name: ['certificate-key pair with this name already exists.'],
    });
    await repos.keypairs.delete(kp.uuid);
  });
});

describe('property mappings', () => {
  it('creates, reads, lists by kind, updates and deletes', async () => {
    const b = await repos.propertyMappings.create({ kind: 'oauth', name: 'op-b', expression: 'return {}' });
    const a = await repos.propertyMappings.create({
      kind: 'saml',
      name: 'op-a',
      expression: 'return { username: "x" }',
      managed: 'goauthentik.io/test/a',
    });
    expect(a).toEqual({ uuid: a.uuid, kind: 'saml', name: 'op-a', expression: 'return { username: "x" }', managed: 'goauthentik.io/test/a' });
    expect(await repos.propertyMappings.byUuid(a.uuid)).toEqual(a);
    expect((await repos.propertyMappings.byUuids([b.uuid, a.uuid, MISSING])).map((m) => m.name)).toEqual(['op-a', 'op-b']);
    const oauth = await repos.propertyMappings.list('oauth', q({ search: 'op-' }));
    expect(oauth).toMatchObject({ total: 1, items: [{ name: 'op-b' }] });
    const any = await repos.propertyMappings.list(null, q({ search: 'OP-', ordering: [{ field: 'name', desc: true }] }));
    expect(any.items.map((m) => m.name)).toEqual(['op-b', 'op-a']);
    const u = await repos.propertyMappings.update(b.uuid, { expression: 'return null' });
    expect(u).toMatchObject({ name: 'op-b', kind: 'oauth', expression: 'return null' });
    expect(await repos.propertyMappings.update(b.uuid, {})).toEqual(u);
    await expect(repos.propertyMappings.update(MISSING, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await repos.propertyMappings.delete(a.uuid)).toBe(true);
    expect(await repos.propertyMappings.delete(a.uuid)).toBe(false);
    await repos.propertyMappings.delete(b.uuid);
  });

  it('maps a duplicate name to a ValidationError', async () => {
    const m = await repos.propertyMappings.create({ kind: 'scim', name: 'op-dup', expression: '' });
    await expectValidation(repos.propertyMappings.create({ kind: 'oauth', name: 'op-dup', expression: '' }), {
      name: ['property mapping with this name already exists.'],
    });
    await repos.propertyMappings.delete(m.uuid);
  });
});

describe('events', () => {
  it('records and returns the most recent events of one action, newest first', async () => {
    for (let i = 0; i < 3; i++) {
      await repos.events.record({
        action: 'oe_test',
        user: { pk: i, username: `u${i}` },
        context: { i, nested: { ok: true } },
        clientIp: '192.0.2.1',
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    await repos.events.record({ action: 'oe_other' });
    const recent = await repos.events.recent('oe_test', 2);
    expect(recent).toHaveLength(2);
    expect(recent.map((e) => e.context?.i)).toEqual([2, 1]);
    expect(recent[0]).toMatchObject({
      action: 'oe_test',
      app: 'tributary',
      user: { pk: 2, username: 'u2' },
      context: { i: 2, nested: { ok: true } },
      clientIp: '192.0.2.1',
    });
    expect(recent[0].created).toBeInstanceOf(Date);
    expect(await repos.events.recent('oe_other', 5)).toMatchObject([{ action: 'oe_other', user: {}, context: {}, clientIp: null }]);
    expect(await repos.events.recent('oe_none', 5)).toEqual([]);
  });
});

describe('settings', () => {
  it('keeps the first value written and round-trips JSON values', async () => {
    expect(await repos.settings.get('os-missing')).toBeNull();
    expect(await repos.settings.putIfAbsent('os-obj', { a: [1, 'b'], c: null })).toEqual({ a: [1, 'b'], c: null });
    expect(await repos.settings.putIfAbsent('os-obj', { other: true })).toEqual({ a: [1, 'b'], c: null });
    expect(await repos.settings.get('os-obj')).toEqual({ a: [1, 'b'], c: null });
    expect(await repos.settings.putIfAbsent('os-str', 'text')).toBe('text');
    expect(await repos.settings.putIfAbsent('os-num', 42)).toBe(42);
    expect(await repos.settings.putIfAbsent('os-list', [1, 2])).toEqual([1, 2]);
  });

  it('has the install id from bootstrap', async () => {
    expect(await repos.settings.get<string>('install_id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
