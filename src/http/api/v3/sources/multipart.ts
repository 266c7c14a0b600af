/**
 * `multipart/form-data` for the icon upload (the 2024.8 client's `set_icon` always sends a
 * form). The raw body is kept and decoded with the platform's FormData parser in the handler.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../../../errors/index.js';

interface RawMultipart {
  rawMultipart: Buffer;
  contentType: string;
}

/** Registered on the API scope: keeps the raw body; handlers decode it with `readIconForm`. */
export function registerMultipartParser(scope: FastifyInstance): void {
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    done(null, { rawMultipart: body as Buffer, contentType: String(req.headers['content-type']) } satisfies RawMultipart);
  });
}

export interface IconForm {
  file: Buffer | null;
  clear: boolean;
}

/** Reads `file` and `clear` from a multipart or JSON body. */
export async function readIconForm(req: FastifyRequest): Promise<IconForm> {
  const body = req.body as Partial<RawMultipart> & Record<string, unknown>;
  if (body && Buffer.isBuffer(body.rawMultipart)) {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body.rawMultipart), { headers: { 'content-type': body.contentType! } }).formData();
    } catch {
      throw ValidationError.nonField('Multipart form parse error.');
    }
    const file = form.get('file');
    const clearField = form.get('clear');
    const clear = typeof clearField === 'string' && clearField.toLowerCase() === 'true';
    return { file: file && typeof file !== 'string' ? Buffer.from(await file.arrayBuffer()) : null, clear };
  }
  const clear = body?.clear === true || (typeof body?.clear === 'string' && body.clear.toLowerCase() === 'true');
  return { file: null, clear };
}
