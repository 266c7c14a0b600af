/** Lets the temporary-user sweeper find generated users without scanning every user. */
export const name = '003-temporary-users';

export const up = `
CREATE INDEX users_generated_expires_idx ON users (((attributes->>'goauthentik.io/user/expires')::float8))
  WHERE attributes->'goauthentik.io/user/generated' = 'true'::jsonb
    AND jsonb_typeof(attributes->'goauthentik.io/user/expires') = 'number'
`;
