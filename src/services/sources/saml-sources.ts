/** Use cases of /sources/saml/: CRUD with SPEC §4.1/§4.8 validation. */
import { validateDurationField } from '../../domain/duration.js';
import { NotFoundError, ValidationError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { SamlSettingsInput, SamlSource } from '../../storage/source-ports.js';
import type { ServiceContext } from '../context.js';
import { toBaseInput, validateBase, type SourceBaseData } from './base-input.js';
import { checkFlow, checkKeypair, type FieldErrorCollector } from './references.js';
import { removeSource } from './sources.js';
import { sourceUsedBy, type UsedByEntry } from './used-by.js';

export interface SamlSourceData extends SourceBaseData {
  pre_authentication_flow?: string;
  issuer?: string | null;
  /** Later authentik name of `issuer`, accepted as an alias. */
  issuer_override?: string | null;
  sso_url?: string;
  slo_url?: string | null;
  allow_idp_initiated?: boolean;
  force_authn?: boolean;
  name_id_policy?: string;
  binding_type?: string;
  verification_kp?: string | null;
  signing_kp?: string | null;
  encryption_kp?: string | null;
  digest_algorithm?: string;
  signature_algorithm?: string;
  temporary_user_delete_after?: string;
  signed_assertion?: boolean;
  signed_response?: boolean;
}

export const VERIFICATION_FLAGS_MESSAGE =
  "With a Verification Certificate selected, at least one of 'Verify Assertion Signature' or 'Verify Response Signature' must be selected.";

export function listSamlSources(ctx: ServiceContext, query: ListQuery): Promise<Page<SamlSource>> {
  return ctx.store.repos.samlSources.list(query);
}

export async function getSamlSource(repos: Repositories, slug: string): Promise<SamlSource> {
  const source = await repos.samlSources.bySlug(slug);
  if (!source) throw NotFoundError.forModel('SAMLSource');
  return source;
}

/** "" means "not set" for the optional text fields (stored as NULL). */
const blankToNull = (v: string | null | undefined) => (v === '' ? null : v);

export function toSamlSettings(data: SamlSourceData): SamlSettingsInput {
  const issuer = data.issuer !== undefined ? data.issuer : data.issuer_override;
  return {
    preAuthenticationFlow: data.pre_authentication_flow,
    issuer: blankToNull(issuer),
    ssoUrl: data.sso_url,
    sloUrl: blankToNull(data.slo_url),
    allowIdpInitiated: data.allow_idp_initiated,
    forceAuthn: data.force_authn,
    nameIdPolicy: data.name_id_policy,
    bindingType: data.binding_type,
    verificationKp: data.verification_kp,
    signingKp: data.signing_kp,
    encryptionKp: data.encryption_kp,
    digestAlgorithm: data.digest_algorithm,
    signatureAlgorithm: data.signature_algorithm,
    temporaryUserDeleteAfter: data.temporary_user_delete_after,
    signedAssertion: data.signed_assertion,
    signedResponse: data.signed_response,
  };
}

async function validate(repos: Repositories, errors: FieldErrorCollector, data: SamlSourceData, current: SamlSource | null): Promise<void> {
  await checkFlow(repos, errors, 'pre_authentication_flow', data.pre_authentication_flow);
  await checkKeypair(repos, errors, 'verification_kp', data.verification_kp);
  for (const field of ['signing_kp', 'encryption_kp'] as const) {
    await checkKeypair(repos, errors, field, data[field]);
    // Signing requests and decrypting assertions both need the private half.
    const kp = data[field] && !errors.has(field) ? await repos.keypairs.byUuid(data[field]!) : null;
    if (kp && !kp.hasPrivateKey) errors.add(field, `Key pair "${kp.name}" has no private key.`);
  }
  if (data.temporary_user_delete_after !== undefined) {
    try {
      validateDurationField('temporary_user_delete_after', data.temporary_user_delete_after);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      for (const [f, msgs] of Object.entries(e.fields)) msgs.forEach((m) => errors.add(f, m));
    }
  }
  // SPEC §4.1, checked on the state after this write (a PATCH may change only one side).
  const verificationKp = data.verification_kp !== undefined ? data.verification_kp : (current?.saml.verificationKp ?? null);
  const signedAssertion = data.signed_assertion ?? current?.saml.signedAssertion ?? true;
  const signedResponse = data.signed_response ?? current?.saml.signedResponse ?? false;
  if (verificationKp && !signedAssertion && !signedResponse) errors.add('verification_kp', VERIFICATION_FLAGS_MESSAGE);
}

export function createSamlSource(ctx: ServiceContext, data: SamlSourceData): Promise<SamlSource> {
  return ctx.store.transaction(async (repos) => {
    const errors = await validateBase(repos, 'saml', data, null);
    await validate(repos, errors, data, null);
    errors.throwIfAny();
    return repos.samlSources.create(toBaseInput(data), toSamlSettings(data));
  });
}

export function updateSamlSource(ctx: ServiceContext, slug: string, data: SamlSourceData): Promise<SamlSource> {
  return ctx.store.transaction(async (repos) => {
    const current = await getSamlSource(repos, slug);
    const errors = await validateBase(repos, 'saml', data, current);
    await validate(repos, errors, data, current);
    errors.throwIfAny();
    return repos.samlSources.update(current.uuid, toBaseInput(data), toSamlSettings(data));
  });
}

export async function deleteSamlSource(ctx: ServiceContext, slug: string): Promise<void> {
  await ctx.store.transaction(async (repos) => removeSource(repos, await getSamlSource(repos, slug)));
}

export async function samlSourceUsedBy(ctx: ServiceContext, slug: string): Promise<UsedByEntry[]> {
  return sourceUsedBy(ctx.store.repos, await getSamlSource(ctx.store.repos, slug));
}
