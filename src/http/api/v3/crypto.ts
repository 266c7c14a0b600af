/** /api/v3/crypto/certificatekeypairs/ — the private key is write-only and stored encrypted. */
import type { Keypair } from '../../../domain/entities.js';
import type { ServiceContext } from '../../../services/context.js';
import {
  createKeypair,
  deleteKeypair,
  describeKeypairs,
  generateKeypair,
  getKeypair,
  listKeypairs,
  updateKeypair,
  viewKeypairSecret,
} from '../../../services/core/keypairs.js';
import { keypairUsedBy } from '../../../services/core/used-by.js';
import { requireSuperuser } from '../../auth.js';
import { registerCrud } from '../crud.js';
import { serializerSchemas, validateBody, type Serializer } from '../fields.js';
import type { ListSpec } from '../listing.js';
import type { ApiRegistry } from '../registry.js';

export const keypairSerializer: Serializer = {
  pk: { type: 'uuid', readOnly: true },
  name: { type: 'string', required: true },
  fingerprint_sha256: { type: 'string', readOnly: true, nullable: true },
  fingerprint_sha1: { type: 'string', readOnly: true, nullable: true },
  cert_expiry: { type: 'datetime', readOnly: true, nullable: true },
  cert_subject: { type: 'string', readOnly: true, nullable: true },
  private_key_available: { type: 'boolean', readOnly: true },
  private_key_type: { type: 'string', readOnly: true, nullable: true },
  certificate_download_url: { type: 'string', readOnly: true },
  private_key_download_url: { type: 'string', readOnly: true },
  managed: { type: 'string', readOnly: true, nullable: true },
  certificate_data: { type: 'string', required: true, writeOnly: true },
  key_data: { type: 'string', writeOnly: true, allowBlank: true },
};

const generateSerializer: Serializer = {
  common_name: { type: 'string', required: true },
  subject_alt_name: { type: 'string', allowBlank: true },
  validity_days: { type: 'integer', required: true, minValue: 1, maxValue: 36500 },
  alg: { type: 'choice', choices: ['rsa', 'ecdsa'] },
};

const listSpec: ListSpec = {
  filters: { name: { type: 'string' }, managed: { type: 'string' }, has_key: { type: 'boolean' }, kp_uuid: { type: 'uuid' } },
  ordering: { name: 'name', pk: 'pk', managed: 'managed' },
  defaultOrdering: ['name'],
  search: true,
};

async function serialize(ctx: ServiceContext, keypairs: Keypair[]): Promise<Record<string, unknown>[]> {
  const views = describeKeypairs(keypairs);
  return views.map(({ keypair, info, keyType }) => {
    const base = `/api/v3/crypto/certificatekeypairs/${keypair.uuid}`;
    return {
      pk: keypair.uuid,
      name: keypair.name,
      fingerprint_sha256: info?.fingerprintSha256 ?? null,
      fingerprint_sha1: info?.fingerprintSha1 ?? null,
      cert_expiry: info ? info.expiry.toISOString() : null,
      cert_subject: info?.subject ?? null,
      private_key_available: keypair.hasPrivateKey,
      private_key_type: keyType,
      certificate_download_url: `${base}/view_certificate/?download`,
      private_key_download_url: `${base}/view_private_key/?download`,
      managed: keypair.managed,
    };
  });
}

export function registerCryptoRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  const admin = (req: Parameters<typeof requireSuperuser>[1]) => requireSuperuser(ctx, req);
  registerCrud<Keypair>(api, {
    basePath: '/crypto/certificatekeypairs/',
    lookup: 'kp_uuid',
    operationPrefix: 'crypto_certificatekeypairs',
    tag: 'crypto',
    serializer: keypairSerializer,
    listSpec,
    handlers: {
      authorize: async (req) => void (await admin(req)),
      list: (_req, q) => listKeypairs(ctx, q),
      get: (_req, id) => getKeypair(ctx.store.repos, id),
      usedBy: (_req, id) => keypairUsedBy(ctx.store.repos, id),
      create: (_req, data) => createKeypair(ctx, data),
      update: (_req, id, data) => updateKeypair(ctx, id, data),
      destroy: (_req, id) => deleteKeypair(ctx, id),
      serialize: (_req, items) => serialize(ctx, items),
    },
  });
  api.route(
    {
      method: 'POST',
      path: '/crypto/certificatekeypairs/generate/',
      operationId: 'crypto_certificatekeypairs_generate_create',
      tag: 'crypto',
      requestBody: serializerSchemas(generateSerializer).request,
      response: serializerSchemas(keypairSerializer).response,
    },
    async (req) => {
      await admin(req);
      const input = validateBody(generateSerializer, req.body, 'create') as Parameters<typeof generateKeypair>[1];
      return (await serialize(ctx, [await generateKeypair(ctx, input)]))[0];
    },
  );
  for (const what of ['certificate', 'private_key'] as const) {
    api.route(
      {
        method: 'GET',
        path: `/crypto/certificatekeypairs/:kp_uuid/view_${what}/`,
        operationId: `crypto_certificatekeypairs_view_${what}_retrieve`,
        tag: 'crypto',
        response: { type: 'object', required: ['data'], properties: { data: { type: 'string' } } },
      },
      async (req, reply) => {
        const data = await viewKeypairSecret(ctx, await admin(req), (req.params as { kp_uuid: string }).kp_uuid, what);
        if ('download' in (req.query as object)) {
          const ext = what === 'certificate' ? 'certificate.pem' : 'private.pem';
          return reply.header('content-disposition', `attachment; filename="${ext}"`).type('application/x-pem-file').send(data);
        }
        return { data };
      },
    );
  }
}
