/**
 * What SAML sources add to the shared source use cases: the `issuer_override` alias, key pairs
 * that must hold a private key, the temporary-user lifetime, and the signature flags.
 */
import { validateDurationField } from '../../domain/duration.js';
import { ValidationError } from '../../errors/index.js';
import type { KindServiceHooks } from '../../services/sources/kind-sources.js';

export const VERIFICATION_FLAGS_MESSAGE =
  "With a Verification Certificate selected, at least one of 'Verify Assertion Signature' or 'Verify Response Signature' must be selected.";

export const samlService: KindServiceHooks<'saml'> = {
  async prepare(_ctx, settings, data) {
    // Later authentik versions call `issuer` `issuer_override`; accept either.
    if (settings.issuer === undefined && data.issuer_override !== undefined) settings.issuer = data.issuer_override as string | null;
  },
  async validate(repos, errors, settings, current) {
    for (const field of ['signing_kp', 'encryption_kp'] as const) {
      // Signing requests and decrypting assertions both need the private half.
      const uuid = settings[field];
      const kp = uuid && !errors.has(field) ? await repos.keypairs.byUuid(uuid) : null;
      if (kp && !kp.hasPrivateKey) errors.add(field, `Key pair "${kp.name}" has no private key.`);
    }
    if (settings.temporary_user_delete_after !== undefined) {
      try {
        validateDurationField('temporary_user_delete_after', settings.temporary_user_delete_after);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        for (const [f, msgs] of Object.entries(e.fields)) msgs.forEach((m) => errors.add(f, m));
      }
    }
    // Checked on the state after this write (a PATCH may change only one side).
    const verificationKp = settings.verification_kp !== undefined ? settings.verification_kp : (current?.settings.verification_kp ?? null);
    const signedAssertion = settings.signed_assertion ?? current?.settings.signed_assertion ?? true;
    const signedResponse = settings.signed_response ?? current?.settings.signed_response ?? false;
    if (verificationKp && !signedAssertion && !signedResponse) errors.add('verification_kp', VERIFICATION_FLAGS_MESSAGE);
  },
};
