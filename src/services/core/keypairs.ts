/** Use cases for /crypto/certificatekeypairs/: validated PEM import, generation, viewing. */
import type { Keypair, Principal } from '../../domain/entities.js';
import { asUuid } from '../../domain/ids.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../../errors/index.js';
import {
  certificateKeyType,
  describeCertificate,
  generateSelfSigned,
  keyMatchesCertificate,
  parseCertificate,
  privateKeyType,
  type CertificateInfo,
  type PrivateKeyType,
} from '../../security/certificates.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';

export interface KeypairInput {
  name?: string;
  certificate_data?: string;
  key_data?: string;
}

export interface KeypairView {
  keypair: Keypair;
  info: CertificateInfo | null;
  keyType: PrivateKeyType | null;
}

export function listKeypairs(ctx: ServiceContext, query: ListQuery): Promise<Page<Keypair>> {
  return ctx.store.repos.keypairs.list(query);
}

export async function getKeypair(repos: Repositories, uuid: string): Promise<Keypair> {
  const id = asUuid(uuid);
  const kp = id ? await repos.keypairs.byUuid(id) : null;
  if (!kp) throw NotFoundError.forModel('CertificateKeyPair');
  return kp;
}

/** Certificate facts for the API; the key type comes from the certificate (no key decryption). */
export function describeKeypairs(keypairs: Keypair[]): KeypairView[] {
  return keypairs.map((keypair) => {
    const cert = parseCertificate(keypair.certificateData);
    return { keypair, info: cert ? describeCertificate(cert) : null, keyType: cert && keypair.hasPrivateKey ? certificateKeyType(cert) : null };
  });
}

function validatePem(certificateData: string, keyData: string | null | undefined): void {
  const cert = parseCertificate(certificateData);
  if (!cert) throw ValidationError.field('certificate_data', 'Unable to load certificate.');
  if (keyData) {
    if (!privateKeyType(keyData)) throw ValidationError.field('key_data', 'Unable to load private key (possibly encrypted?).');
    if (!keyMatchesCertificate(keyData, cert)) throw ValidationError.field('key_data', 'Private key does not match the certificate.');
  }
}

export function createKeypair(ctx: ServiceContext, input: KeypairInput): Promise<Keypair> {
  validatePem(input.certificate_data!, input.key_data);
  return ctx.store.repos.keypairs.create({ name: input.name!, certificateData: input.certificate_data!, keyData: input.key_data || null });
}

export function updateKeypair(ctx: ServiceContext, uuid: string, input: KeypairInput): Promise<Keypair> {
  return ctx.store.transaction(async (repos) => {
    const current = await getKeypair(repos, uuid);
    const certificateData = input.certificate_data ?? current.certificateData;
    // A new certificate without a new key must still match the stored key.
    const keyData = input.key_data !== undefined ? input.key_data : await repos.keypairs.privateKey(current.uuid);
    validatePem(certificateData, keyData);
    return repos.keypairs.update(current.uuid, {
      name: input.name,
      certificateData: input.certificate_data,
      ...(input.key_data !== undefined ? { keyData: input.key_data || null } : {}),
    });
  });
}

export async function deleteKeypair(ctx: ServiceContext, uuid: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const kp = await getKeypair(repos, uuid);
    await repos.keypairs.delete(kp.uuid);
  });
}

export async function generateKeypair(
  ctx: ServiceContext,
  input: { common_name: string; subject_alt_name?: string; validity_days: number; alg?: 'rsa' | 'ecdsa' },
): Promise<Keypair> {
  const sans = (input.subject_alt_name ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const pair = await generateSelfSigned({
    commonName: input.common_name,
    subjectAltNames: sans,
    validityDays: input.validity_days,
    algorithm: input.alg ?? 'rsa',
  });
  return ctx.store.repos.keypairs.create({ name: input.common_name, certificateData: pair.certificatePem, keyData: pair.privateKeyPem });
}

export async function viewKeypairSecret(
  ctx: ServiceContext,
  principal: Principal,
  uuid: string,
  what: 'certificate' | 'private_key',
): Promise<string> {
  if (!principal.isSuperuser) throw new PermissionDeniedError();
  return ctx.store.transaction(async (repos) => {
    const kp = await getKeypair(repos, uuid);
    if (what === 'certificate') return kp.certificateData;
    await repos.events.record({
      action: 'secret_view',
      user: { pk: principal.user.id, username: principal.user.username },
      context: { certificatekeypair: kp.name },
    });
    return (await repos.keypairs.privateKey(kp.uuid)) ?? '';
  });
}
