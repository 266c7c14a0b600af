/** List parameters and values of authentik 2024.8 driven through the real @goauthentik/api client. */
import { Configuration, CoreApi, ProviderTypeEnum } from '@goauthentik/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { startContractApp, type ContractApp } from './support.js';

let c: ContractApp;
let core: CoreApi;
beforeAll(async () => {
  c = await startContractApp();
  core = new CoreApi(new Configuration({ basePath: c.basePath, accessToken: ADMIN_TOKEN }));
  const repos = c.app.ctx.store.repos;
  await repos.users.create({ username: 'cl-a', path: 'cl/x', attributes: { team: 'red' } });
  await repos.users.create({ username: 'cl-b', path: 'cl/y', attributes: { team: 'blue' } });
});
afterAll(async () => c?.close());

describe('list parameters through the 2024.8 client', () => {
  it('orders sources by -pk and drops unknown ordering terms', async () => {
    for (const slug of ['cl-one', 'cl-two']) {
      await c.sources.sourcesOauthCreate({
        oAuthSourceRequest: { name: slug, slug, providerType: ProviderTypeEnum.Github, consumerKey: 'k', consumerSecret: 's' },
      });
    }
    const asc = (await c.sources.sourcesOauthList({ ordering: 'pk' })).results.map((s) => s.pk);
    const desc = (await c.sources.sourcesOauthList({ ordering: '-pk' })).results.map((s) => s.pk);
    expect(asc).toHaveLength(2);
    expect(desc).toEqual([...asc].reverse());
    const unknown = (await c.sources.sourcesOauthList({ ordering: 'nope' })).results.map((s) => s.slug);
    expect(unknown).toEqual(['cl-one', 'cl-two']);
  });

  it('filters users by attributes and path_startswith', async () => {
    const byAttributes = await core.coreUsersList({ attributes: JSON.stringify({ team: 'blue' }) });
    expect(byAttributes.results.map((u) => u.username)).toEqual(['cl-b']);
    const byPath = await core.coreUsersList({ pathStartswith: 'cl/' });
    expect(byPath.results.map((u) => u.username)).toEqual(['cl-a', 'cl-b']);
  });

  it('returns provider_type azuread as sent', async () => {
    const created = await c.sources.sourcesOauthCreate({
      oAuthSourceRequest: { name: 'cl-azure', slug: 'cl-azure', providerType: ProviderTypeEnum.Azuread, consumerKey: 'k', consumerSecret: 's' },
    });
    expect(created.providerType).toBe(ProviderTypeEnum.Azuread);
    expect((await c.sources.sourcesOauthRetrieve({ slug: 'cl-azure' })).providerType).toBe(ProviderTypeEnum.Azuread);
  });
});
