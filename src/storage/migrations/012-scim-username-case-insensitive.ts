/**
 * SCIM `userName` is caseExact false (RFC 7643 §4.1.1), so a SCIM source must not create
 * `BJENSEN` next to `bjensen`. Local usernames stay case-sensitive (as in authentik), so the rule
 * covers only users a SCIM source created, marked by `scim_provisioned`: a partial unique index
 * over lower(username) lets the database refuse the second one, also when two creates race.
 *
 * SCIM users created before this migration are marked too, except where two of them already
 * differ only in case: then only the oldest is marked, so the index can be built and the others
 * keep working.
 */
export const name = '012-scim-username-case-insensitive';

export const up = `
ALTER TABLE users ADD COLUMN scim_provisioned boolean NOT NULL DEFAULT false;
UPDATE users SET scim_provisioned = true WHERE id IN (SELECT DISTINCT ON (lower(u.username)) u.id FROM users u JOIN scim_source_users l ON l.user_id = u.id ORDER BY lower(u.username), u.id);
CREATE UNIQUE INDEX users_scim_username_ci_key ON users (lower(username)) WHERE scim_provisioned
`;
