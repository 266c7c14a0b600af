/**
 * Contains-search on usernames (connection lists search `user__username`): a trigram index where
 * the server has pg_trgm. Without it (PGlite), the search scans as before.
 */
export const name = '006-username-trigram';

export const up = `
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; EXECUTE 'CREATE INDEX users_username_trgm_idx ON users USING gin (username public.gin_trgm_ops)'; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm unavailable (%), username search will scan', SQLERRM; END $$
`;
