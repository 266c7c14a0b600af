/**
 * Loads the QuickJS WebAssembly module of one sandbox worker.
 *
 * Each worker creates its own module (not the library's shared `getQuickJS()` singleton): when
 * the *host* stack overflows inside WebAssembly (QuickJS' own stack limit does not bound V8's
 * native stack for every recursion, e.g. JSON.stringify or the parser on deeply nested input),
 * the exception unwinds through C code and leaves the module's memory inconsistent. The worker
 * holding such a module is retired and a new one loads a fresh module.
 */
import { newQuickJSWASMModule, RELEASE_SYNC } from 'quickjs-emscripten';
import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { CORE_SOURCE, HELPERS_SOURCE } from './prelude.js';

// V8 compiles WebAssembly functions lazily: the first evaluation on a new module takes ≈30 ms
// (and far more on a busy machine), which would eat a 100 ms time limit. Run the common paths
// once, without limits, before the worker reports that it is ready.
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

/** A new, warmed-up QuickJS module. */
export async function loadQuickJS(): Promise<QuickJSWASMModule> {
  const module = await newQuickJSWASMModule(RELEASE_SYNC);
  warmUp(module);
  return module;
}
