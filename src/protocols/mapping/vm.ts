/**
 * One evaluation inside QuickJS. Runs in a sandbox worker thread (see worker.ts): time limits
 * are enforced from the main thread, which raises the shared interrupt flag that `interrupted`
 * reads and, when QuickJS does not notice it in time, terminates the whole worker.
 *
 * Every evaluation gets a fresh QuickJS *runtime* and context; nothing survives an evaluation.
 * Measured alternative: one runtime per worker with a fresh context per evaluation was within
 * noise, because compiling code, not creating the runtime, dominates; sharing a runtime would
 * also share GC/atom state and the memory budget between evaluations.
 */
import { Buffer } from 'node:buffer';
import type { DisposableResult, QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import type { MappingFailureReason } from './errors.js';
import { CORE_SOURCE, DESCRIBE_SOURCE, HELPER_NAMES, HELPER_REFERENCE, HELPERS_SOURCE } from './prelude.js';

export interface VmLimits {
  memoryLimitBytes: number;
  stackLimitBytes: number;
  maxResultBytes: number;
}

export interface VmRequest {
  expression: string;
  /** JSON array of the context values, in `paramNames` order. */
  argsJson: string;
  paramNames: string[];
}

export type VmOutcome =
  | { ok: true; text: string }
  /** `poisoned`: the WebAssembly module may be inconsistent and must never be used again. */
  | { ok: false; reason: MappingFailureReason; detail: string; poisoned: boolean };

const MiB = 1024 * 1024;
const MAX_DETAIL_CHARS = 1000;

type Phase = 'setup' | 'compile' | 'run' | 'serialize';

/** Thrown inside `runInVm` to carry a classified failure out of the handle-scoped code. */
class Failure extends Error {
  constructor(
    readonly reason: MappingFailureReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

function truncate(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

function isHostStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

function classify(phase: Phase, error: { name: string; message: string; line: number }): Failure {
  const { name, message } = error;
  const text = truncate(name ? `${name}: ${message}` : message);
  if (name === 'InternalError' && message === 'interrupted') return new Failure('timeout', 'interrupted');
  if ((name === 'InternalError' || name === 'RangeError') && message === 'out of memory') {
    return new Failure('memory', `Memory limit exceeded (${text})`);
  }
  if (name === 'InternalError' && (message === 'stack overflow' || message === 'string too long')) {
    return new Failure('memory', `${message === 'stack overflow' ? 'Stack' : 'Memory'} limit exceeded (${text})`);
  }
  if (phase === 'compile' && name === 'SyntaxError') {
    return new Failure('syntax', error.line > 1 ? `${text} (line ${error.line - 1})` : text);
  }
  if (phase === 'serialize') return new Failure('invalid_result', `The result is not JSON-serialisable: ${text}`);
  return new Failure('exception', text);
}

/**
 * Evaluates one expression; synchronous from start to end. `interrupted` is polled by QuickJS
 * (every ~10k bytecode ticks) and ends the evaluation as a timeout once it returns true.
 */
export function runInVm(module: QuickJSWASMModule, request: VmRequest, limits: VmLimits, interrupted: () => boolean): VmOutcome {
  const { expression, argsJson, paramNames } = request;
  const runtime: QuickJSRuntime = module.newRuntime();
  let vm: QuickJSContext | undefined;
  const handles: QuickJSHandle[] = [];
  const track = (h: QuickJSHandle): QuickJSHandle => {
    handles.push(h);
    return h;
  };
  let poisoned = false;
  try {
    runtime.setMemoryLimit(limits.memoryLimitBytes);
    runtime.setMaxStackSize(limits.stackLimitBytes);
    runtime.setInterruptHandler(interrupted);
    const ctx = runtime.newContext();
    vm = ctx;

    const describe = (errorHandle: QuickJSHandle): { name: string; message: string; line: number } => {
      const fallback = { name: '', message: 'uncaught exception', line: -1 };
      // Headroom so that describing an out-of-memory error does not itself run out of memory.
      runtime.setMemoryLimit(limits.memoryLimitBytes + MiB);
      const compiled = ctx.evalCode(DESCRIBE_SOURCE, 'describe.js', { type: 'global', strict: true });
      if (compiled.error) {
        track(compiled.error);
        return fallback;
      }
      const res = ctx.callFunction(track(compiled.value), ctx.undefined, errorHandle);
      if (res.error) {
        track(res.error);
        return fallback;
      }
      const list = track(res.value);
      const read = (index: number): QuickJSHandle => track(ctx.getProp(list, index));
      const nameH = read(0);
      const messageH = read(1);
      const lineH = read(2);
      return {
        name: ctx.typeof(nameH) === 'string' ? ctx.getString(nameH) : '',
        message: ctx.typeof(messageH) === 'string' ? ctx.getString(messageH) : fallback.message,
        line: ctx.typeof(lineH) === 'number' ? ctx.getNumber(lineH) : -1,
      };
    };
    const failure = (phase: Phase, errorHandle: QuickJSHandle): Failure => {
      track(errorHandle);
      // Whatever the error says, an evaluation whose time ran out failed because of that.
      if (interrupted()) return new Failure('timeout', 'interrupted');
      return classify(phase, describe(errorHandle));
    };
    const unwrap = (res: DisposableResult<QuickJSHandle, QuickJSHandle>, phase: Phase): QuickJSHandle => {
      if (res.error) throw failure(phase, res.error);
      return track(res.value);
    };

    const core = unwrap(ctx.evalCode(CORE_SOURCE, 'prelude.js', { type: 'global', strict: true }), 'setup');
    const coreFn = (index: number): QuickJSHandle => track(ctx.getProp(core, index));
    const [prepare, invoke, serialize] = [coreFn(0), coreFn(1), coreFn(2)];

    // Line 1 is the wrapper, so the expression's line N is reported as N + 1 by QuickJS.
    const params = [...paramNames, ...HELPER_NAMES].join(', ');
    const wrapper = `(function (${params}) { "use strict";\n${expression}\n})`;
    const fn = unwrap(ctx.evalCode(wrapper, 'mapping.js', { type: 'global' }), 'compile');

    // Helpers are compiled only when the expression names them (they cost as much as the core).
    const helpers = HELPER_REFERENCE.test(expression)
      ? unwrap(ctx.evalCode(HELPERS_SOURCE, 'helpers.js', { type: 'global', strict: true }), 'setup')
      : track(ctx.newArray());
    const args = unwrap(ctx.callFunction(prepare, ctx.undefined, track(ctx.newString(argsJson)), helpers), 'setup');
    let result = unwrap(ctx.callFunction(invoke, ctx.undefined, fn, args), 'run');

    // Settle promise chains the expression started (e.g. an async IIFE), still under the limits.
    const jobs = runtime.executePendingJobs();
    if (jobs.error) throw failure('run', jobs.error);
    const state = ctx.getPromiseState(result);
    if (state.type === 'pending') {
      throw new Failure('invalid_result', 'The expression returned a Promise that never settled');
    }
    if (state.type === 'rejected') throw failure('run', state.error);
    if (!state.notAPromise) result = track(state.value);

    const text = ctx.getString(unwrap(ctx.callFunction(serialize, ctx.undefined, result), 'serialize'));
    if (Buffer.byteLength(text, 'utf8') > limits.maxResultBytes) {
      throw new Failure('invalid_result', `The result is larger than ${limits.maxResultBytes} bytes`);
    }
    return { ok: true, text };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, reason: e.reason, detail: e.detail, poisoned: false };
    // An exception from the WebAssembly machinery itself (host stack overflow, trap): the
    // module's memory may be inconsistent, so it is never used again.
    poisoned = true;
    if (isHostStackOverflow(e)) return { ok: false, reason: 'memory', detail: 'Stack limit exceeded (stack overflow)', poisoned };
    return { ok: false, reason: 'exception', detail: `Sandbox failure: ${String(e)}`, poisoned };
  } finally {
    if (!poisoned) {
      for (const h of handles.reverse()) if (h.alive) h.dispose();
      vm?.dispose();
      runtime.dispose();
    }
  }
}
