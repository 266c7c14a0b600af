/** What every use case receives: storage, secrets, time and the public base URL. */
import type { MappingSandbox } from '../protocols/mapping/index.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Store } from '../storage/ports.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ServiceContext {
  store: Store;
  box: SecretBox;
  clock: Clock;
  /** Configured external base URL, or null to use the request's origin. */
  publicUrl: string | null;
  /** Outbound HTTP for upstream IdPs, metadata and JWKS (a port so tests can route it). */
  fetch: typeof fetch;
  /** Immutable after the first boot; read once (it salts user `uid`s). */
  installId: string;
  /** Sandbox for admin-written property-mapping expressions. */
  mappings: MappingSandbox;
}
