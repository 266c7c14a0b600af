// Types for build.mjs (plain JavaScript so that it runs before anything is built).
export const STAMP: string;
export const OUTPUT: string;
export const BUILD_INPUTS: string[];
export function snapshotInputs(root: string, inputs?: string[]): Record<string, string>;
export function sameSnapshot(a: Record<string, string>, b: Record<string, string>): boolean;
export function isBuildCurrent(root?: string, inputs?: string[]): boolean;
export function build(root?: string): boolean;
export function buildIfStale(root?: string): boolean;
