/**
 * `deepMerge` on a realistic login: a 3-level OIDC profile (base properties) merged with the
 * result of a property mapping that overrides fields at every level and extends lists — the
 * merge runs once per mapping per login. Prints µs per merge next to a baseline measured in the
 * same run: `structuredClone` of both inputs (the least any merge that returns fresh objects
 * must do).
 *
 * Usage: npx tsx bench/deep-merge.ts [N=50000]
 */
import { performance } from 'node:perf_hooks';
import { deepMerge } from '../src/domain/properties.js';

const n = Number(process.argv[2] ?? 50_000);

const base = {
  username: 'octocat',
  email: 'octocat@example.com',
  name: 'The Octocat',
  groups: ['staff', 'eng', 'eng-platform', 'oncall'],
  attributes: {
    locale: 'en-GB',
    department: { name: 'Engineering', cost_center: '4711', manager: { id: 'u-17', email: 'boss@example.com' } },
    phones: [
      { type: 'work', value: '+44 20 0000 0000' },
      { type: 'mobile', value: '+44 7700 000000' },
    ],
    employee: { id: 'E-1234', start: '2019-03-01', location: { site: 'LON', floor: 4, desk: '4.117' } },
    entitlements: ['vpn', 'jira', 'github'],
  },
};
const patch = {
  username: 'octo-cat',
  groups: ['eng', 'mappers'],
  attributes: {
    department: { name: 'Platform Engineering', manager: { email: 'lead@example.com' } },
    employee: { location: { floor: 5 }, contract: 'permanent' },
    entitlements: ['github', 'grafana'],
    source: { slug: 'github', linked: true },
  },
};

function time(label: string, fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn();
  const started = performance.now();
  for (let i = 0; i < n; i++) fn();
  const us = ((performance.now() - started) * 1000) / n;
  console.log(`${label}: ${us.toFixed(2)} µs`);
  return us;
}

const merged = deepMerge(base, patch);
if ((merged.attributes as { department: { name: string } }).department.name !== 'Platform Engineering') throw new Error('wrong merge');
const baseline = time('structuredClone(base) + structuredClone(patch)', () => [structuredClone(base), structuredClone(patch)]);
const ours = time('deepMerge(base, patch)', () => deepMerge(base, patch));
console.log(`ratio deepMerge / baseline: ${(ours / baseline).toFixed(2)}`);
