/**
 * Failed-authentication counters (password sign-in per client address and username, bearer tokens
 * per client address), kept in the database so every instance behind a load balancer counts the
 * same attempts. One row per key and fixed window: `failures` within the window that ends at
 * `expires`; the periodic sweep deletes rows whose window has ended.
 *
 * `key` is a keyed digest, so the table holds neither usernames nor addresses in clear.
 */
export const name = '013-auth-throttle';

export const up = `
CREATE TABLE auth_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  expires timestamptz NOT NULL
);

CREATE INDEX auth_throttle_expires ON auth_throttle (expires);
`;
