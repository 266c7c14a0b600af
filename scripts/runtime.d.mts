// Types for runtime.mjs (plain JavaScript so that it runs before anything is installed or built).
export interface Runtime {
  execPath: string;
  version: string;
  own: boolean;
  reason?: string;
}
export const MIN_NODE: string;
export const PINNED_NODE: { version: string; integrity: Record<string, string> };
export function parseVersion(text: string): [number, number, number] | null;
export function chooseRuntime(systemVersion: string): { use: 'system' } | { use: 'project'; reason: string };
export function platformPackage(platform?: string, arch?: string): string;
export function ensureRuntime(options?: { root?: string; systemVersion?: string; systemPath?: string }): Runtime;
export function ensureRuntimeOrExit(): Runtime;
export function describeRuntime(rt: Runtime): string;
export function runtimeEnv(rt: Runtime, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
