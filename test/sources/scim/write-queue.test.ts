import { describe, expect, it } from 'vitest';
import { WriteQueue } from '../../../src/sources/scim/provisioning.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('WriteQueue', () => {
  it('runs work on one key one at a time, in arrival order, and other keys alongside', async () => {
    const q = new WriteQueue();
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const job = (key: string, name: string) =>
      q.run(key, async () => {
        running++;
        peak = Math.max(peak, running);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        running--;
        return name;
      });
    const results = await Promise.all([job('g1', 'a'), job('g1', 'b'), job('g2', 'x'), job('g1', 'c')]);
    expect(results).toEqual(['a', 'b', 'x', 'c']);
    const g1 = log.filter((l) => !l.endsWith('x'));
    expect(g1).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(peak).toBe(2);
  });

  it("a failure is the caller's alone: later work on the key still runs, and keys are released", async () => {
    const q = new WriteQueue();
    const failed = q.run('k', async () => {
      throw new Error('boom');
    });
    const next = q.run('k', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await tick();
    expect(q.size).toBe(0);
  });
});
