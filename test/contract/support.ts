/**
 * Drives a real listening app with the generated @goauthentik/api 2024.8.3 client. `call`
 * runs one client `…Raw` method and returns both the client's parsed value and the raw JSON,
 * so tests can assert on the keys the client's FromJSON cannot check.
 */
import { Configuration, PropertymappingsApi, SourcesApi, type ApiResponse, type Middleware } from '@goauthentik/api';
import { ADMIN_TOKEN, createTestApp, type TestApp, type TestAppOptions } from '../support/app.js';
import { missingRequiredKeys } from '../support/client-models.js';

export interface ContractApp {
  app: TestApp;
  basePath: string;
  sources: SourcesApi;
  mappings: PropertymappingsApi;
  /** A SourcesApi whose JSON request bodies get `extra` merged in (fields the 2024.8 client cannot send). */
  sourcesWithBody(extra: Record<string, unknown>): SourcesApi;
  sourcesAs(token: string | null): SourcesApi;
  close(): Promise<void>;
}

function mergeBody(extra: Record<string, unknown>): Middleware {
  return {
    pre: async (ctx) => {
      const body = typeof ctx.init.body === 'string' && ctx.init.body !== '' ? JSON.parse(ctx.init.body) : {};
      const headers = { ...(ctx.init.headers as Record<string, string>), 'Content-Type': 'application/json' };
      return { url: ctx.url, init: { ...ctx.init, headers, body: JSON.stringify({ ...body, ...extra }) } };
    },
  };
}

export async function startContractApp(options: TestAppOptions = {}): Promise<ContractApp> {
  const app = await createTestApp(options);
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const basePath = `http://127.0.0.1:${port}/api/v3`;
  const config = (token: string | null, middleware: Middleware[] = []) =>
    new Configuration({ basePath, ...(token ? { accessToken: token } : {}), middleware });
  return {
    app,
    basePath,
    sources: new SourcesApi(config(ADMIN_TOKEN)),
    mappings: new PropertymappingsApi(config(ADMIN_TOKEN)),
    sourcesWithBody: (extra) => new SourcesApi(config(ADMIN_TOKEN, [mergeBody(extra)])),
    sourcesAs: (token) => new SourcesApi(config(token)),
    close: () => app.close(),
  };
}

export interface Called<T> {
  value: T;
  json: any;
  status: number;
}

/** Runs a `…Raw` client call; the raw body is read from a clone before the client parses it. */
export async function call<T>(fn: () => Promise<ApiResponse<T>>): Promise<Called<T>> {
  const res = await fn();
  const text = await res.raw.clone().text();
  return { value: await res.value(), json: text === '' ? null : JSON.parse(text), status: res.raw.status };
}

/** Asserts the raw JSON has every key the client model requires (recursively). */
export function requiredKeysMissing(model: string, json: unknown): string[] {
  return missingRequiredKeys(model, json);
}

/** The HTTP status and JSON body of a client call that is expected to fail. */
export async function failure(fn: () => Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    await fn();
  } catch (e) {
    const res = (e as { response?: Response }).response;
    if (!res) throw e;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  throw new Error('expected the call to fail');
}
