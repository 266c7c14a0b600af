/**
 * `used_by` of users, groups, flows and key pairs through the 2024.8.3 client: the raw JSON is
 * authentik's UsedBy shape and the client parses it.
 */
import { Configuration, CoreApi, CryptoApi, FlowsApi, UsedByActionEnum, instanceOfUsedBy } from '@goauthentik/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { createKeypair, createSaml, createUser } from '../http/api/v3/sources/helpers.js';
import { call, requiredKeysMissing, startContractApp, type ContractApp } from './support.js';

let c: ContractApp;
let config: Configuration;
beforeAll(async () => {
  c = await startContractApp();
  config = new Configuration({ basePath: c.basePath, accessToken: ADMIN_TOKEN });
});
afterAll(async () => c?.close());

describe('used_by through the client', () => {
  it('coreUsersUsedByList and coreGroupsUsedByList return UsedBy entries', async () => {
    const repos = c.app.ctx.store.repos;
    const user = await createUser(c.app, 'ubc-user');
    const group = await repos.groups.create({ name: 'ubc-group' });
    await repos.groups.addMembers(group.uuid, [user.id]);
    const token = (await repos.tokens.byIdentifier('token-ubc-user'))!;
    const core = new CoreApi(config);

    const users = await call(() => core.coreUsersUsedByListRaw({ id: user.id }));
    expect(users.status).toBe(200);
    expect(users.json).toEqual([
      { app: 'authentik_core', model_name: 'token', pk: token.uuid, name: 'token-ubc-user', action: 'cascade' },
      { app: 'authentik_core', model_name: 'group', pk: group.uuid, name: 'ubc-group', action: 'cascade_many' },
    ]);
    for (const entry of users.json) expect(requiredKeysMissing('UsedBy', entry)).toEqual([]);
    expect(users.value.every((e) => instanceOfUsedBy(e))).toBe(true);
    expect(users.value.map((e) => e.action)).toEqual([UsedByActionEnum.Cascade, UsedByActionEnum.CascadeMany]);

    const groups = await call(() => core.coreGroupsUsedByListRaw({ groupUuid: group.uuid }));
    expect(groups.json).toEqual([{ app: 'authentik_core', model_name: 'user', pk: String(user.id), name: 'ubc-user', action: 'cascade_many' }]);
    expect(groups.value[0].modelName).toBe('user');
  });

  it('flowsInstancesUsedByList and cryptoCertificatekeypairsUsedByList name SAML sources', async () => {
    const kp = await createKeypair(c.app, 'ubc-kp');
    const saml = await createSaml(c.app, 'ubc-saml', { signing_kp: kp });
    const entry = { app: 'authentik_sources_saml', model_name: 'samlsource', pk: saml.pk, name: saml.name };

    const kps = await call(() => new CryptoApi(config).cryptoCertificatekeypairsUsedByListRaw({ kpUuid: kp }));
    expect(kps.json).toEqual([{ ...entry, action: 'set_null' }]);
    expect(kps.value[0].action).toBe(UsedByActionEnum.SetNull);

    const flows = await call(() => new FlowsApi(config).flowsInstancesUsedByListRaw({ slug: 'default-source-pre-authentication' }));
    expect(flows.json).toContainEqual({ ...entry, action: 'cascade' });
    for (const e of flows.json) expect(requiredKeysMissing('UsedBy', e)).toEqual([]);
  });
});
