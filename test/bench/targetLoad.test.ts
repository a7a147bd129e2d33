import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { busiest, targetVerdict, withTargetShare } from '../../src/bench/targetLoad.ts';

describe('target load of a bench row', () => {
  it('marks a row target-bound when either side had its target above 80% of a core', () => {
    expect(targetVerdict({ harness: 0.62, autocannon: 0.79 })).toEqual({ targetBound: false, text: 'target CPU while busy: harness 62%, autocannon 79%' });
    const bound = targetVerdict({ harness: 0.62, autocannon: 0.92 });
    expect(bound.targetBound).toBe(true);
    expect(bound.text).toContain('autocannon 92% (over 80%: target-bound, no verdict)');
    expect(targetVerdict({ harness: null }).targetBound).toBe(false);
    expect(busiest([0.4, null, 0.7])).toBe(0.7);
    expect(busiest([null])).toBeNull();
  });

  it('reads a busy process as near one core and an idle one as not busy', async () => {
    const spinner = spawn(process.execPath, ['-e', 'const end = Date.now() + 4000; while (Date.now() < end);']);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 4000)']);
    try {
      const wait = () => new Promise((resolve) => setTimeout(resolve, 1500));
      // Past both processes' start-up, which is busy for a moment.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const [busy, idle] = await Promise.all([withTargetShare(spinner.pid, wait), withTargetShare(sleeper.pid, wait)]);
      // One core fully used reads near 1; generous bounds for a busy 2-core machine.
      expect(busy.targetShare).toBeGreaterThan(0.3);
      expect(busy.targetShare).toBeLessThan(1.3);
      expect(idle.targetShare).toBeNull();
    } finally {
      spinner.kill();
      sleeper.kill();
    }
  });
});
