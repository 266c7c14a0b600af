/**
 * Service-level pieces: the pending AuthnRequest (single use, bound to session and source,
 * expiring, replaced by a newer one), replay keys, and the cleanup job's batching contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExpiredGenerated, temporaryUserCleanupJob, type ExpiredUserSweep } from '../../../src/sources/saml/cleanup-job.js';
import { replayKey } from '../../../src/sources/saml/replay.js';
import { rememberAuthnRequest, SAML_REQUEST_TTL_MS, takeAuthnRequest } from '../../../src/sources/saml/request-state.js';
import type { SamlSource } from '../../../src/sources/kinds.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { createSamlSource } from './http/support.js';

let app: TestApp;
let a: SamlSource;
let b: SamlSource;
const offset = { ms: 0 };

beforeAll(async () => {
  app = await createTestApp({ clock: { now: () => new Date(Date.now() + offset.ms) } });
  a = await createSamlSource(app, 'a', {});
  b = await createSamlSource(app, 'b', {});
}, 60_000);

afterAll(async () => {
  await app?.close();
});

describe('pending AuthnRequest', () => {
  it('is taken once, only by the same session and source', async () => {
    await rememberAuthnRequest(app.ctx, a, 'session-1', { requestId: '_r1', next: '/x' });
    expect(await takeAuthnRequest(app.ctx, b, 'session-1')).toBeNull();
    expect(await takeAuthnRequest(app.ctx, a, 'session-2')).toBeNull();
    expect(await takeAuthnRequest(app.ctx, a, null)).toBeNull();
    expect(await takeAuthnRequest(app.ctx, a, 'session-1')).toEqual({ requestId: '_r1', next: '/x' });
    expect(await takeAuthnRequest(app.ctx, a, 'session-1')).toBeNull();
  });

  it('a newer request replaces the older one; requests expire', async () => {
    await rememberAuthnRequest(app.ctx, a, 'session-3', { requestId: '_old', next: null });
    await rememberAuthnRequest(app.ctx, a, 'session-3', { requestId: '_new', next: null });
    expect((await takeAuthnRequest(app.ctx, a, 'session-3'))?.requestId).toBe('_new');
    await rememberAuthnRequest(app.ctx, a, 'session-4', { requestId: '_late', next: null });
    offset.ms = SAML_REQUEST_TTL_MS + 1000;
    try {
      expect(await takeAuthnRequest(app.ctx, a, 'session-4')).toBeNull();
    } finally {
      offset.ms = 0;
    }
  });
});

describe('replay keys', () => {
  it('name source, kind and ID; overlong IDs are hashed', () => {
    expect(replayKey('uuid', 'response', '_abc')).toBe('saml:uuid:response:_abc');
    const long = replayKey('uuid', 'assertion', 'x'.repeat(10_000));
    expect(long).toMatch(/^saml:uuid:assertion:sha256:[0-9a-f]{64}$/);
  });
});

describe('temporary user cleanup job', () => {
  it('recognises expired generated users only', () => {
    const now = new Date('2024-06-01T00:00:00Z');
    const at = now.getTime() / 1000;
    expect(isExpiredGenerated({ attributes: { 'goauthentik.io/user/generated': true, 'goauthentik.io/user/expires': at - 1 } }, now)).toBe(true);
    expect(isExpiredGenerated({ attributes: { 'goauthentik.io/user/generated': true, 'goauthentik.io/user/expires': at + 1 } }, now)).toBe(false);
    expect(isExpiredGenerated({ attributes: { 'goauthentik.io/user/expires': at - 1 } }, now)).toBe(false);
    expect(isExpiredGenerated({ attributes: { 'goauthentik.io/user/generated': 'true', 'goauthentik.io/user/expires': at - 1 } }, now)).toBe(false);
  });

  it('keeps sweeping while batches come back full', async () => {
    const results = [500, 500, 12];
    const calls: number[] = [];
    const sweep: ExpiredUserSweep = { deleteExpired: async (_now, batch) => (calls.push(batch), results.shift() ?? 0) };
    expect(await temporaryUserCleanupJob(app.ctx, sweep).run()).toBe(1012);
    expect(calls).toEqual([500, 500, 500]);
  });
});
