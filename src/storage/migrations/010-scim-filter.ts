/**
 * SCIM source support (issue 6): filters are compiled to SQL (storage/sql/scim/predicate-sql.ts),
 * so the database needs
 *  - case-insensitive lookups of the SCIM payload's attribute names (RFC 7643 §2.1): clients
 *    spell `emails`/`Emails` as they like and the stored payload keeps their spelling;
 *  - expression indexes for the filters IdPs actually send (`userName eq`, `displayName eq`,
 *    both case-insensitive, caseExact=false in RFC 7643 §4.1.1/§4.2);
 *  - link-row indexes for "the rows of one source, in creation order".
 * Function bodies hold one SELECT without inner semicolons (the migrator splits on `;`+newline).
 */
export const name = '010-scim-filter';

export const up = `
CREATE FUNCTION scim_get(jsonb, text) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN jsonb_typeof($1) IS DISTINCT FROM 'object' THEN NULL
    WHEN $1 ? $2 THEN $1 -> $2
    ELSE (SELECT j.value FROM jsonb_each($1) j WHERE lower(j.key) = lower($2) ORDER BY j.key LIMIT 1)
  END
$$;
CREATE FUNCTION scim_elements(jsonb) RETURNS SETOF jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT t.x FROM jsonb_array_elements(CASE jsonb_typeof($1)
    WHEN 'array' THEN $1
    WHEN 'object' THEN jsonb_build_array($1)
    ELSE '[]'::jsonb END) AS t(x)
$$;
CREATE INDEX users_lower_username_idx ON users (lower(username));
CREATE INDEX groups_lower_name_idx ON groups (lower(name));
CREATE INDEX scim_source_users_source_user_idx ON scim_source_users (source_uuid, user_id);
CREATE INDEX scim_source_groups_source_group_idx ON scim_source_groups (source_uuid, group_uuid);
`;
