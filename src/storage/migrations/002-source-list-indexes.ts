/**
 * Indexes for the connection lists' `pk` ordering within one kind (the default
 * `source__slug, pk` ordering and the `user`/`source` filters use the 001 indexes).
 */
export const name = '002-source-list-indexes';

export const up = `
CREATE INDEX usc_kind_id_idx ON user_source_connections (kind, id);
CREATE INDEX gsc_kind_id_idx ON group_source_connections (kind, id);
CREATE INDEX gsc_kind_group_idx ON group_source_connections (kind, group_uuid, id);
`;
