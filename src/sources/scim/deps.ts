/** What SCIM use cases receive: their store, the mapping sandbox and the clock. */
import type { MappingSandbox } from '../../protocols/mapping/index.js';
import type { PaginationLimits } from '../../protocols/scim/index.js';
import type { ScimSourceConfig, ScimStore } from '../../storage/scim-ports.js';
import type { Clock } from '../../services/context.js';
import type { WriteQueue } from './write-queue.js';

export interface ScimDeps {
  store: ScimStore;
  mappings: MappingSandbox;
  clock: Clock;
  /** Serialises writes to one resource within this process (see write-queue.ts). */
  queue: WriteQueue;
}

/** An authenticated SCIM client: its source and the service account its token belongs to. */
export interface ScimCaller {
  source: ScimSourceConfig;
  actor: { pk: number; username: string };
}

/** Where resources live: the absolute SCIM base URL (…/source/scim/<slug>/v2, no trailing slash). */
export interface ScimView {
  baseUrl: string;
  attributes?: string | readonly string[] | undefined;
  excludedAttributes?: string | readonly string[] | undefined;
}

/**
 * Page size when `count` is absent, and the largest page served (advertised as
 * ServiceProviderConfig `filter.maxResults`; authentik's default page size).
 */
export const SCIM_PAGE_LIMITS: PaginationLimits = { defaultCount: 100, maxCount: 100 };
