/** A minimal in-memory ScimStore for use-case tests that need no database. */
import type { ResolvedScimSource, ScimRepository, ScimSourceConfig, ScimStore, ScimUnit } from '../../../src/storage/scim-ports.js';

export interface FakeStoreState {
  resolved: ResolvedScimSource | null;
  events: unknown[];
}

export function fakeScimStore(state: FakeStoreState): ScimStore {
  const scim = {
    // Like the SQL repository: without a key there is no presented token.
    resolveSource: async (_slug: string, key: string | null) =>
      state.resolved && { ...state.resolved, token: key === null ? null : state.resolved.token },
  } as unknown as ScimRepository;
  const unit: ScimUnit = {
    scim,
    sessions: { deleteForUser: async () => 0 },
    events: { record: async (e) => void state.events.push(e) },
  };
  return { repos: unit, transaction: (fn) => fn(unit) };
}

export const SOURCE: ScimSourceConfig = {
  uuid: '11111111-1111-4111-8111-111111111111',
  slug: 'entra',
  name: 'Entra',
  enabled: true,
  userPathTemplate: 'goauthentik.io/sources/%(slug)s',
  tokenUuid: 'tok-1',
  mappings: { user: [], group: [] },
};
