/**
 * Without TRIBUTARY_PUBLIC_URL the external URL comes from the request. X-Forwarded-Host and
 * X-Forwarded-Proto count only when TRIBUTARY_TRUST_PROXY names the peer (or is true): by
 * default a client cannot choose the SAML entity ID / ACS URL or SCIM `meta.location`.
 */
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createSamlSource } from '../sources/saml/http/support.js';
import { createScimSource, scimClient, USER_SCHEMA } from '../sources/scim/http/support.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const FORWARDED = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
/** light-my-request's default Host header; its peer address is 127.0.0.1. */
const OWN = 'http://localhost:80';
const EVIL = 'https://evil.example';

interface Urls {
  entityId: string;
  acs: string;
  scimLocation: string;
}

/** The SP metadata URLs and a SCIM `meta.location`, asked for with forwarded headers. */
async function urlsSeenBy(app: TestApp, tag: string): Promise<Urls> {
  const md = await app.request({ method: 'GET', url: `/source/saml/${tag}/metadata/`, headers: FORWARDED, token: null });
  expect(md.statusCode, md.body).toBe(200);
  const doc = new DOMParser().parseFromString(md.body, 'text/xml').documentElement!;
  const acs = doc.getElementsByTagNameNS(MD, 'AssertionConsumerService')[0].getAttribute('Location')!;
  const source = await createScimSource(app);
  const created = await scimClient(app, source)('POST', '/Users', { schemas: [USER_SCHEMA], userName: `forwarded-${tag}` }, FORWARDED);
  expect(created.status).toBe(201);
  expect(created.headers.location).toBe(created.body.meta.location);
  return { entityId: doc.getAttribute('entityID')!, acs, scimLocation: created.body.meta.location as string };
}

const apps: TestApp[] = [];
async function appWith(env: Record<string, string>): Promise<TestApp> {
  const app = await createTestApp({ env: { TRIBUTARY_PUBLIC_URL: '', ...env } });
  apps.push(app);
  await createSamlSource(app, 'sp', {});
  return app;
}
afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('forwarded headers and the request-derived public URL', () => {
  let byDefault: TestApp;
  beforeAll(async () => {
    byDefault = await appWith({});
  });

  it('are ignored by default', async () => {
    const urls = await urlsSeenBy(byDefault, 'sp');
    expect(urls.entityId).toBe(`${OWN}/source/saml/sp/metadata/`);
    expect(urls.acs).toBe(`${OWN}/source/saml/sp/acs/`);
    expect(urls.scimLocation.startsWith(`${OWN}/source/scim/`)).toBe(true);
  });

  it('are honoured with TRIBUTARY_TRUST_PROXY=true', async () => {
    const urls = await urlsSeenBy(await appWith({ TRIBUTARY_TRUST_PROXY: 'true' }), 'sp');
    expect(urls.entityId).toBe(`${EVIL}/source/saml/sp/metadata/`);
    expect(urls.acs).toBe(`${EVIL}/source/saml/sp/acs/`);
    expect(urls.scimLocation.startsWith(`${EVIL}/source/scim/`)).toBe(true);
  });

  it('are honoured only from a listed proxy address', async () => {
    const listed = await urlsSeenBy(await appWith({ TRIBUTARY_TRUST_PROXY: '10.0.0.1,127.0.0.0/8' }), 'sp');
    expect(listed.entityId).toBe(`${EVIL}/source/saml/sp/metadata/`);
    const other = await urlsSeenBy(await appWith({ TRIBUTARY_TRUST_PROXY: '10.0.0.1' }), 'sp');
    expect(other.entityId).toBe(`${OWN}/source/saml/sp/metadata/`);
    expect(other.acs).toBe(`${OWN}/source/saml/sp/acs/`);
    expect(other.scimLocation.startsWith(`${OWN}/source/scim/`)).toBe(true);
  });

  it('never override a configured TRIBUTARY_PUBLIC_URL', async () => {
    const app = await appWith({ TRIBUTARY_PUBLIC_URL: 'https://id.example.com', TRIBUTARY_TRUST_PROXY: 'true' });
    const urls = await urlsSeenBy(app, 'sp');
    expect(urls.entityId).toBe('https://id.example.com/source/saml/sp/metadata/');
    expect(urls.scimLocation.startsWith('https://id.example.com/source/scim/')).toBe(true);
  });
});
