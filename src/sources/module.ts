/**
 * A source kind's wiring: its service hooks, computed serializer fields, extra admin API
 * actions, browser/protocol routes and periodic jobs. `sources/modules.ts` lists one per
 * concrete kind; the app, the admin API and the scheduler iterate that list.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../services/context.js';
import type { Job } from '../services/jobs/scheduler.js';
import type { KindServiceHooks } from '../services/sources/kind-sources.js';
import type { ApiRegistry } from '../http/api/registry.js';
import type { ConcreteKind, SourceOf } from './kinds.js';

/** Renders sources of one kind as its API serializer does (given to `registerApi`). */
export type KindSerialize<K extends ConcreteKind> = (request: FastifyRequest, sources: Array<SourceOf<K>>) => Promise<Array<Record<string, unknown>>>;

export interface SourceKindModule<K extends ConcreteKind> {
  kind: K;
  service: KindServiceHooks<K>;
  /** Values of the kind's computed fields (`column: false`) for a page of sources, in order. */
  computed?(ctx: ServiceContext, request: FastifyRequest, sources: Array<SourceOf<K>>): Promise<Array<Record<string, unknown>>>;
  /** Admin API actions beyond CRUD and `used_by` (e.g. `/sources/saml/<slug>/metadata/`). */
  registerApi?(api: ApiRegistry, ctx: ServiceContext, serialize: KindSerialize<K>): void;
  /** Browser and protocol endpoints (`/source/<kind>/…`), each kind in its own scope. */
  registerRoutes?(app: FastifyInstance, ctx: ServiceContext): Promise<void>;
  jobs?(ctx: ServiceContext, log: FastifyBaseLogger): Job[];
}
