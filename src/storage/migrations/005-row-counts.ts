/**
 * Exact row counts for unfiltered lists without a scan. `row_counts` holds per-table counts in
 * 16 slots; statement-level triggers (transition tables) add or subtract each statement's rows
 * in the slot of the writing backend, so concurrent writers rarely wait on the same row, and
 * the counts commit or roll back with the rows themselves (exact under MVCC). Readers sum 16
 * rows instead of counting the table.
 *
 * Function bodies stay on one line: the migrator splits statements at a `;` that ends a line.
 */
export const name = '005-row-counts';

export const up = `
CREATE TABLE row_counts (
  tbl text NOT NULL,
  slot integer NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (tbl, slot)
);

CREATE FUNCTION row_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO row_counts AS c (tbl, slot, n) SELECT TG_TABLE_NAME, pg_backend_pid() % 16, count(*) FROM rc_new HAVING count(*) > 0 ON CONFLICT (tbl, slot) DO UPDATE SET n = c.n + EXCLUDED.n; RETURN NULL; END $$;

CREATE FUNCTION row_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO row_counts AS c (tbl, slot, n) SELECT TG_TABLE_NAME, pg_backend_pid() % 16, -count(*) FROM rc_old HAVING count(*) > 0 ON CONFLICT (tbl, slot) DO UPDATE SET n = c.n + EXCLUDED.n; RETURN NULL; END $$;

CREATE TRIGGER users_row_counts_insert AFTER INSERT ON users REFERENCING NEW TABLE AS rc_new FOR EACH STATEMENT EXECUTE FUNCTION row_counts_add();
CREATE TRIGGER users_row_counts_delete AFTER DELETE ON users REFERENCING OLD TABLE AS rc_old FOR EACH STATEMENT EXECUTE FUNCTION row_counts_remove();

INSERT INTO row_counts (tbl, slot, n) SELECT 'users', 0, count(*) FROM users
`;
