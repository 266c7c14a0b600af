/**
 * `npm start` compiles only when dist/ was not built from the sources that are there now.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTPUT, STAMP, build, buildIfStale, isBuildCurrent, snapshotInputs } from '../../scripts/build.mjs';

const projectRoot = path.resolve(import.meta.dirname, '../..');
let root: string;

function write(rel: string, text: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

function shiftMtime(rel: string, seconds: number) {
  const st = statSync(path.join(root, rel));
  const t = new Date(st.mtimeMs + seconds * 1000);
  utimesSync(path.join(root, rel), t, t);
}

/** What a successful build leaves behind, without running tsc. */
function markBuilt() {
  write(OUTPUT, 'export {};\n');
  write(STAMP, JSON.stringify(snapshotInputs(root)));
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tributary-build-'));
  write('src/main.ts', 'export const a: number = 1;\n');
  write('src/lib/b.ts', 'export const b = 2;\n');
  write('tsconfig.json', '{}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('isBuildCurrent', () => {
  it('is false before any build and true right after one', () => {
    expect(isBuildCurrent(root)).toBe(false);
    markBuilt();
    expect(isBuildCurrent(root)).toBe(true);
  });

  it('notices a touched source, a compiler-option change and a source restored with an older mtime', () => {
    for (const [rel, seconds] of [
      ['src/lib/b.ts', 5],
      ['tsconfig.json', 5],
      ['src/main.ts', -3600],
    ] as const) {
      markBuilt();
      shiftMtime(rel, seconds);
      expect(isBuildCurrent(root), rel).toBe(false);
    }
  });

  it('notices an edit that keeps the mtime but changes the size', () => {
    const t = new Date('2026-01-01T00:00:00Z'); // whole seconds: restorable exactly
    utimesSync(path.join(root, 'src/main.ts'), t, t);
    markBuilt();
    writeFileSync(path.join(root, 'src/main.ts'), 'export const a: number = 12;\n');
    utimesSync(path.join(root, 'src/main.ts'), t, t);
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('notices added and deleted sources', () => {
    markBuilt();
    write('src/lib/c.ts', 'export const c = 3;\n');
    expect(isBuildCurrent(root)).toBe(false);
    markBuilt();
    unlinkSync(path.join(root, 'src/lib/b.ts'));
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('is false when the output is gone or the record is unreadable', () => {
    markBuilt();
    unlinkSync(path.join(root, OUTPUT));
    expect(isBuildCurrent(root)).toBe(false);
    markBuilt();
    write(STAMP, '{"src/main.ts":');
    expect(isBuildCurrent(root)).toBe(false);
  });
});

describe('build and buildIfStale (real tsc on a two-file project)', () => {
  beforeEach(() => {
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    write('package.json', '{"type":"module"}\n');
    write(
      'tsconfig.json',
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, skipLibCheck: true, types: [] } }),
    );
    write(
      'tsconfig.build.json',
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { rootDir: 'src', outDir: 'dist', incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo' },
        include: ['src'],
      }),
    );
  });

  it('records its inputs on success, skips when current, recompiles after an edit', () => {
    expect(build(root)).toBe(true);
    expect(readFileSync(path.join(root, OUTPUT), 'utf8')).toContain('export const a = 1');
    expect(isBuildCurrent(root)).toBe(true);

    const before = statSync(path.join(root, OUTPUT)).mtimeMs;
    expect(buildIfStale(root)).toBe(true);
    expect(statSync(path.join(root, OUTPUT)).mtimeMs).toBe(before);

    write('src/main.ts', 'export const a: number = 42;\n');
    expect(isBuildCurrent(root)).toBe(false);
    expect(buildIfStale(root)).toBe(true);
    expect(readFileSync(path.join(root, OUTPUT), 'utf8')).toContain('export const a = 42');
    expect(isBuildCurrent(root)).toBe(true);
  }, 60_000);

  it('forgets the last good build when tsc fails (tsc emits even then), so the next start compiles again', () => {
    const goodTime = new Date('2026-01-01T00:00:00Z'); // whole seconds: restorable exactly
    utimesSync(path.join(root, 'src/main.ts'), goodTime, goodTime);
    expect(build(root)).toBe(true);
    write('src/main.ts', 'export const a: number = "not a number";\n');
    expect(build(root)).toBe(false);
    // Put the good source back with its old mtime: the inputs now match the last good build,
    // but dist/ holds what the failed compile emitted.
    write('src/main.ts', 'export const a: number = 1;\n');
    utimesSync(path.join(root, 'src/main.ts'), goodTime, goodTime);
    expect(readFileSync(path.join(root, OUTPUT), 'utf8')).toContain('not a number');
    expect(isBuildCurrent(root)).toBe(false);
  }, 60_000);
});
