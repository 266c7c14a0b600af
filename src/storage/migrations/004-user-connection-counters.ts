/**
 * Scale support for the user-connection lists (at a million rows and more).
 *
 * - `user_source_connection_counts` keeps an exact row count per (kind, source), maintained by
 *   statement-level triggers (transition tables, so bulk writes and cascades cost one upsert per
 *   source, not one per row). An exact `count(*)` over a million connections is a ~60–100 ms
 *   sequential scan; the unfiltered lists read these few rows instead. Deletes only decrement
 *   (never insert), so a source deleted in the same statement cannot resurrect its row.
 *   Trade-off: a connection insert holds its source's counter row until commit, so concurrent
 *   first logins through one source serialise for that (short) moment.
 * - A trigram index (pg_trgm, when the server has it) for the identifier contains-search.
 *
 * Function bodies stay on one line: the migrator splits statements at a `;` that ends a line.
 */
export const name = '004-user-connection-counters';

export const up = `
CREATE TABLE user_source_connection_counts (
  kind text NOT NULL,
  source_uuid uuid NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (kind, source_uuid)
);

CREATE FUNCTION usc_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO user_source_connection_counts AS c (kind, source_uuid, n) SELECT kind, source_uuid, count(*) FROM usc_new GROUP BY kind, source_uuid ON CONFLICT (kind, source_uuid) DO UPDATE SET n = c.n + EXCLUDED.n; RETURN NULL; END $$;

CREATE FUNCTION usc_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE user_source_connection_counts AS c SET n = c.n - d.n FROM (SELECT kind, source_uuid, count(*) AS n FROM usc_old GROUP BY kind, source_uuid) AS d WHERE c.kind = d.kind AND c.source_uuid = d.source_uuid; DELETE FROM user_source_connection_counts WHERE n <= 0; RETURN NULL; END $$;

CREATE FUNCTION usc_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE user_source_connection_counts AS c SET n = c.n - d.n FROM (SELECT o.kind, o.source_uuid, count(*) AS n FROM usc_old o JOIN usc_new w ON w.id = o.id WHERE (o.kind, o.source_uuid) IS DISTINCT FROM (w.kind, w.source_uuid) GROUP BY o.kind, o.source_uuid) AS d WHERE c.kind = d.kind AND c.source_uuid = d.source_uuid; INSERT INTO user_source_connection_counts AS c (kind, source_uuid, n) SELECT w.kind, w.source_uuid, count(*) FROM usc_new w JOIN usc_old o ON o.id = w.id WHERE (o.kind, o.source_uuid) IS DISTINCT FROM (w.kind, w.source_uuid) GROUP BY w.kind, w.source_uuid ON CONFLICT (kind, source_uuid) DO UPDATE SET n = c.n + EXCLUDED.n; DELETE FROM user_source_connection_counts WHERE n <= 0; RETURN NULL; END $$;

CREATE TRIGGER usc_counts_insert AFTER INSERT ON user_source_connections REFERENCING NEW TABLE AS usc_new FOR EACH STATEMENT EXECUTE FUNCTION usc_counts_add();
CREATE TRIGGER usc_counts_delete AFTER DELETE ON user_source_connections REFERENCING OLD TABLE AS usc_old FOR EACH STATEMENT EXECUTE FUNCTION usc_counts_remove();
CREATE TRIGGER usc_counts_update AFTER UPDATE ON user_source_connections REFERENCING OLD TABLE AS usc_old NEW TABLE AS usc_new FOR EACH STATEMENT EXECUTE FUNCTION usc_counts_move();

INSERT INTO user_source_connection_counts (kind, source_uuid, n)
SELECT kind, source_uuid, count(*) FROM user_source_connections GROUP BY kind, source_uuid;

-- Contains-search on identifiers: a trigram index where pg_trgm exists (PostgreSQL); the embedded
-- PGlite build has no pg_trgm loaded, and there the search simply scans.
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; EXECUTE 'CREATE INDEX usc_identifier_trgm_idx ON user_source_connections USING gin (identifier public.gin_trgm_ops)'; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm unavailable (%), identifier search will scan', SQLERRM; END $$;
`;
