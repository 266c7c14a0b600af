/**
 * Per-source user-connection counts in sharded slots, so concurrent first logins through one
 * source no longer queue on a single counter row.
 *
 * Migration 004 kept one row per (kind, source) and updated it on every connection insert or
 * delete, so a second login's insert waited for the first login's transaction to commit. Now
 * each (kind, source) has up to 16 slot rows and a statement adds its delta to the slot of the
 * writing backend (`pg_backend_pid() % 16`, as `row_counts` in migration 005): two backends in
 * different slots never touch the same row. Readers sum the slots. The counts still commit or
 * roll back with the connections themselves, so the sums stay exact under MVCC.
 *
 * - A slot may hold zero or a negative number (a connection added through one backend and
 *   removed through another); only the sum per (kind, source) means anything.
 * - Slot rows reference their source and go with it. A connection delete that is itself the
 *   cascade of a source delete adds nothing for that (already gone) source.
 * - Deltas are applied in (kind, source) order, so two writers sharing a slot cannot deadlock.
 *
 * Function bodies stay on one line: the migrator splits statements at a `;` that ends a line.
 */
export const name = '011-sharded-connection-counts';

export const up = `
-- Writers wait until the switch-over commits, so the counts carried over below are exact.
LOCK TABLE user_source_connections IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE user_source_connection_count_slots (
  kind text NOT NULL,
  source_uuid uuid NOT NULL REFERENCES sources (pbm_uuid) ON DELETE CASCADE,
  slot integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (kind, source_uuid, slot)
);

CREATE FUNCTION usc_count_slots_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO user_source_connection_count_slots AS c (kind, source_uuid, slot, n) SELECT kind, source_uuid, pg_backend_pid() % 16, count(*) FROM usc_new GROUP BY kind, source_uuid ORDER BY kind, source_uuid ON CONFLICT (kind, source_uuid, slot) DO UPDATE SET n = c.n + EXCLUDED.n; RETURN NULL; END $$;

CREATE FUNCTION usc_count_slots_remove() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO user_source_connection_count_slots AS c (kind, source_uuid, slot, n) SELECT o.kind, o.source_uuid, pg_backend_pid() % 16, -count(*) FROM usc_old o WHERE EXISTS (SELECT 1 FROM sources s WHERE s.pbm_uuid = o.source_uuid) GROUP BY o.kind, o.source_uuid ORDER BY o.kind, o.source_uuid ON CONFLICT (kind, source_uuid, slot) DO UPDATE SET n = c.n + EXCLUDED.n; RETURN NULL; END $$;

CREATE FUNCTION usc_count_slots_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO user_source_connection_count_slots AS c (kind, source_uuid, slot, n) SELECT m.kind, m.source_uuid, pg_backend_pid() % 16, sum(m.d) FROM (SELECT kind, source_uuid, 1 AS d FROM usc_new UNION ALL SELECT kind, source_uuid, -1 AS d FROM usc_old) AS m WHERE EXISTS (SELECT 1 FROM sources s WHERE s.pbm_uuid = m.source_uuid) GROUP BY m.kind, m.source_uuid HAVING sum(m.d) <> 0 ORDER BY m.kind, m.source_uuid ON CONFLICT (kind, source_uuid, slot) DO UPDATE SET n = c.n + EXCLUDED.n; RETURN NULL; END $$;

DROP TRIGGER usc_counts_insert ON user_source_connections;
DROP TRIGGER usc_counts_delete ON user_source_connections;
DROP TRIGGER usc_counts_update ON user_source_connections;

CREATE TRIGGER usc_count_slots_insert AFTER INSERT ON user_source_connections REFERENCING NEW TABLE AS usc_new FOR EACH STATEMENT EXECUTE FUNCTION usc_count_slots_add();
CREATE TRIGGER usc_count_slots_delete AFTER DELETE ON user_source_connections REFERENCING OLD TABLE AS usc_old FOR EACH STATEMENT EXECUTE FUNCTION usc_count_slots_remove();
CREATE TRIGGER usc_count_slots_update AFTER UPDATE ON user_source_connections REFERENCING OLD TABLE AS usc_old NEW TABLE AS usc_new FOR EACH STATEMENT EXECUTE FUNCTION usc_count_slots_move();

INSERT INTO user_source_connection_count_slots (kind, source_uuid, slot, n)
SELECT c.kind, c.source_uuid, 0, c.n FROM user_source_connection_counts c JOIN sources s ON s.pbm_uuid = c.source_uuid WHERE c.n <> 0;

DROP TABLE user_source_connection_counts;
DROP FUNCTION usc_counts_add();
DROP FUNCTION usc_counts_remove();
DROP FUNCTION usc_counts_move()
`;
