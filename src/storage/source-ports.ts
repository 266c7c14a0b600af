/**
 * Repository interfaces for sources, their connections and SCIM link rows (domain terms).
 * Kept apart from ports.ts because the sources subsystem is the bulk of the schema.
 */

export const BUILT_IN_SOURCE_MANAGED = 'goauthentik.io/sources/inbuilt';

/** Sources of every kind share one table; kind-specific columns live in per-kind tables. */
export interface SourceRepository {
  /** Creates the built-in source (slug `authentik-built-in`) unless it exists. */
  ensureBuiltIn(): Promise<void>;
}

export interface SourceRepositories {
  sources: SourceRepository;
}
