/** `/api/v3/sources/saml/<slug>/metadata/` (our SP metadata) and `import_metadata/` (IdP metadata in). */
import type { FieldInput, Serializer } from '../../../domain/fields.js';
import type { ServiceContext } from '../../../services/context.js';
import { requireSuperuser } from '../../../http/auth.js';
import { serializerSchemas, validateBody } from '../../../http/api/fields.js';
import type { ApiRegistry } from '../../../http/api/registry.js';
import { publicBaseUrl } from '../../../http/public-url.js';
import { kindSerializer } from '../../../http/api/v3/sources/kind-crud.js';
import type { KindSerialize } from '../../module.js';
import { importSamlMetadata, samlSourceMetadata } from '../import-metadata.js';

const importSerializer = {
  metadata: { type: 'string', description: 'IdP metadata XML.' },
  metadata_url: { type: 'url', description: 'Fetched when `metadata` is not given.' },
} satisfies Serializer;

export function registerSamlApi(api: ApiRegistry, ctx: ServiceContext, serialize: KindSerialize<'saml'>): void {
  api.route(
    {
      method: 'GET',
      path: '/sources/saml/:slug/metadata/',
      operationId: 'sources_saml_metadata_retrieve',
      tag: 'sources',
      response: {
        type: 'object',
        required: ['metadata', 'download_url'],
        properties: { metadata: { type: 'string' }, download_url: { type: 'string' } },
      },
    },
    async (req) => {
      await requireSuperuser(ctx, req);
      return samlSourceMetadata(ctx, (req.params as { slug: string }).slug, publicBaseUrl(ctx, req));
    },
  );
  api.route(
    {
      method: 'POST',
      path: '/sources/saml/:slug/import_metadata/',
      operationId: 'sources_saml_import_metadata_create',
      tag: 'sources',
      requestBody: serializerSchemas(importSerializer).request,
      response: serializerSchemas(kindSerializer('saml')).response,
    },
    async (req) => {
      await requireSuperuser(ctx, req);
      const data: FieldInput<typeof importSerializer> = validateBody(importSerializer, req.body, 'partial');
      const [out] = await serialize(req, [
        await importSamlMetadata(ctx, (req.params as { slug: string }).slug, data as { metadata?: string; metadata_url?: string }),
      ]);
      return out;
    },
  );
}
