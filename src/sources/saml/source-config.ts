/**
 * From a stored SAML source to what the protocol core needs: our endpoint URLs, our entity ID, the
 * IdP certificates, our signing key and the response-validator settings
 * (docs/behaviour.md#saml-settings).
 */
import { createHash } from 'node:crypto';
import { createSamlResponseValidator, DIGEST_ALGORITHMS, SIGNATURE_ALGORITHMS } from '../../protocols/saml/index.js';
import type { SamlResponseValidator, SamlResponseValidatorSettings, XmlSigningKey } from '../../protocols/saml/index.js';
import { NotFoundError, ProtocolError } from '../../errors/index.js';
import type { SamlSource } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';

export interface SamlEndpoints {
  login: string;
  acs: string;
  slo: string;
  metadata: string;
}

/** Absolute URLs of our endpoints for one source (docs/behaviour.md#saml-endpoints). */
export function samlEndpoints(baseUrl: string, slug: string): SamlEndpoints {
  const prefix = `${baseUrl}/source/saml/${encodeURIComponent(slug)}`;
  return { login: `${prefix}/`, acs: `${prefix}/acs/`, slo: `${prefix}/slo/`, metadata: `${prefix}/metadata/` };
}

/** Our SP entity ID: `issuer` when set, else the absolute metadata URL. */
export function spEntityId(source: SamlSource, baseUrl: string): string {
  return source.settings.issuer || samlEndpoints(baseUrl, source.slug).metadata;
}

/** Unknown and disabled sources answer alike: 404 (docs/behaviour.md#disabled-sources). */
export async function enabledSamlSource(ctx: ServiceContext, slug: string): Promise<SamlSource> {
  const source = await ctx.store.repos.kindSources.saml.bySlug(slug);
  if (!source || !source.enabled) throw new NotFoundError(`source ${slug} is not enabled`);
  return source;
}

function configurationError(source: SamlSource, message: string): ProtocolError {
  return new ProtocolError('saml', `The SAML source "${source.name}" is misconfigured: ${message}`, { code: 'saml_configuration' });
}

/**
 * The IdP certificates a signature may verify with: verification_kp plus the rollover list.
 * Without verification_kp signatures are not checked at all (authentik semantics),
 * so the rollover list only ever widens a check that is already on.
 */
export async function verificationCertificates(ctx: ServiceContext, source: SamlSource): Promise<string[]> {
  const s = source.settings;
  if (!s.verification_kp) return [];
  const uuids = [...new Set([s.verification_kp, ...s.verification_kps])];
  const pairs = await Promise.all(uuids.map((uuid) => ctx.store.repos.keypairs.byUuid(uuid)));
  if (!pairs[0]) throw configurationError(source, 'its verification certificate no longer exists.');
  return pairs.filter((p) => p !== null).map((p) => p.certificateData);
}

/** signing_kp with the source's algorithms, or null when requests go out unsigned. */
export async function signingKey(ctx: ServiceContext, source: SamlSource): Promise<XmlSigningKey | null> {
  const uuid = source.settings.signing_kp;
  if (!uuid) return null;
  const [pair, privateKey] = await Promise.all([ctx.store.repos.keypairs.byUuid(uuid), ctx.store.repos.keypairs.privateKey(uuid)]);
  if (!pair || !privateKey) throw configurationError(source, 'its signing key pair has no private key.');
  return {
    privateKey,
    certificate: pair.certificateData,
    signatureAlgorithm: source.settings.signature_algorithm,
    digestAlgorithm: source.settings.digest_algorithm,
  };
}

/**
 * SHA-1 signatures from the IdP are accepted only when the admin chose a SHA-1 algorithm for
 * this source; SHA-1 is collision-broken (SHAttered) and every current IdP signs with SHA-256.
 */
export function allowsSha1(source: SamlSource): boolean {
  const s = source.settings;
  return (
    s.digest_algorithm === DIGEST_ALGORITHMS.sha1 ||
    [SIGNATURE_ALGORITHMS.rsaSha1, SIGNATURE_ALGORITHMS.ecdsaSha1, SIGNATURE_ALGORITHMS.dsaSha1].includes(s.signature_algorithm as never)
  );
}

export async function validatorSettings(ctx: ServiceContext, source: SamlSource, baseUrl: string): Promise<SamlResponseValidatorSettings> {
  const s = source.settings;
  let decryptionKey: string | null = null;
  if (s.encryption_kp) {
    decryptionKey = await ctx.store.repos.keypairs.privateKey(s.encryption_kp);
    // Silently accepting plaintext assertions instead would be a downgrade.
    if (!decryptionKey) throw configurationError(source, 'its encryption key pair has no private key.');
  }
  return {
    acsUrl: samlEndpoints(baseUrl, source.slug).acs,
    spEntityId: spEntityId(source, baseUrl),
    idpEntityId: s.idp_entity_id,
    verificationCerts: await verificationCertificates(ctx, source),
    requireSignedAssertion: s.signed_assertion,
    requireSignedResponse: s.signed_response,
    decryptionKey,
    allowIdpInitiated: s.allow_idp_initiated,
    allowSha1: allowsSha1(source),
  };
}

const validators = new Map<string, SamlResponseValidator>();
const MAX_CACHED_VALIDATORS = 64;

/**
 * A validator for these exact settings, reused across requests so certificates are parsed once
 * (≈0.3 ms per login otherwise). Keyed by a digest of every setting, so any change — a rotated
 * certificate, a flipped flag — simply misses the cache; nothing can go stale.
 */
export function validatorFor(settings: SamlResponseValidatorSettings): SamlResponseValidator {
  const key = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
  let validator = validators.get(key);
  if (!validator) {
    validator = createSamlResponseValidator(settings);
    if (validators.size >= MAX_CACHED_VALIDATORS) validators.delete(validators.keys().next().value as string);
    validators.set(key, validator);
  }
  return validator;
}
