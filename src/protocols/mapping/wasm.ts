/**
 * The QuickJS WebAssembly module, loaded once per process on first use.
 *
 * We create our own module (not the library's shared `getQuickJS()` singleton) so that we can
 * throw it away: when the *host* stack overflows inside WebAssembly (QuickJS' own stack limit
 * does not bound V8's native stack for every recursion, e.g. JSON.stringify or the parser on
 * deeply nested input), the exception unwinds through C code and leaves the module's memory
 * inconsistent. Such a module is marked poisoned and the next evaluation loads a fresh one
 * (a few ms, plus the warm-up below). This cache is the only module-level state of the sandbox.
 */
import { newQuickJSWASMModule, RELEASE_SYNC } from 'quickjs-emscripten';
import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { InternalError } from '../../errors/index.js';
import { CORE_SOURCE, HELPERS_SOURCE } from './prelude.js';

export interface WasmInstance {
  readonly module: QuickJSWASMModule;
  poisoned: boolean;
}

let pending: Promise<WasmInstance> | undefined;

// V8 compiles WebAssembly functions lazily: the first evaluation on a new module takes ≈30 ms
// (and far more on a busy machine), which would eat a 100 ms time limit. Run the common paths
// once, without limits, before the module is handed out.
const WARM_UP_SOURCE = `${CORE_SOURCE}; ${HELPERS_SOURCE};
(function () {
  const o = JSON.parse('{"login":"Octo","list":[1,2],"n":{"x":true}}');
  const r = { username: o.login.toLowerCase(), at: new Date(0).toISOString(), m: Math.max(1, 2),
    re: /o(c)/i.exec(o.login)[1], l: o.list.map((x) => x * 2), k: Object.keys(o.n) };
  return JSON.stringify(r);
})()`;

function warmUp(module: QuickJSWASMModule): void {
  const runtime = module.newRuntime();
  const ctx = runtime.newContext();
  try {
    const result = ctx.evalCode(WARM_UP_SOURCE, 'warm-up.js', { type: 'global' });
    result.dispose();
  } finally {
    ctx.dispose();
    runtime.dispose();
  }
}

let loaded: WasmInstance | undefined;

function load(): Promise<WasmInstance> {
  if (pending === undefined) {
    const promise = newQuickJSWASMModule(RELEASE_SYNC).then((module) => {
      warmUp(module);
      const instance: WasmInstance = { module, poisoned: false };
      if (pending === promise) loaded = instance;
      return instance;
    });
    pending = promise;
    // A failed load is retried by the next caller instead of being cached forever.
    promise.catch(() => {
      if (pending === promise) pending = undefined;
    });
  }
  return pending;
}

/** A usable (not poisoned) module; loads it when needed. */
export async function acquireWasm(): Promise<WasmInstance> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const instance = await load();
    if (!instance.poisoned) return instance;
  }
  throw new InternalError('The QuickJS module could not be (re)loaded.');
}

/** Never use this module again; the next `acquireWasm()` loads a new one. */
export function poisonWasm(instance: WasmInstance): void {
  instance.poisoned = true;
  if (loaded === instance) {
    loaded = undefined;
    pending = undefined;
  }
}
