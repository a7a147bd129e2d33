import { describe, expect, it } from 'vitest';
import { ratePhase } from '../fixtures/plannedPhases.ts';
import { phaseIndexAt, scheduledInSecond } from '../../src/scenario/plan.ts';
import type { PlannedPhase } from '../../src/scenario/plan.ts';

const closedPhase: PlannedPhase = { kind: 'connections', name: 'soak', durationMs: 2000, connections: 10 };

describe('scheduledInSecond (the live line and the timeline target)', () => {
  const phases = [ratePhase('warm', 300, 1500), ratePhase('peak', 400, 1000), closedPhase];

  it('sums the phases a second overlaps, and leaves out phases not started', () => {
    expect(scheduledInSecond(phases, [0, undefined, undefined], 0)).toBe(300);
    // 0.5 s of warm at 300/s, then 0.5 s of peak at 400/s.
    expect(scheduledInSecond(phases, [0, 1500, undefined], 1)).toBe(150 + 200);
    expect(scheduledInSecond(phases, [0, undefined, undefined], 1)).toBe(150);
    expect(scheduledInSecond(phases, [0, 1500, undefined], 3)).toBe(0);
  });

  it('has no target in a second where a closed-model phase ran', () => {
    expect(scheduledInSecond(phases, [0, 1500, 2500], 2)).toBeNull();
  });
});

describe('phaseIndexAt', () => {
  it('is the last phase started by then', () => {
    const startsMs = [0, 1000.4, undefined];
    expect(phaseIndexAt(startsMs, -1)).toBeUndefined();
    expect(phaseIndexAt(startsMs, 0)).toBe(0);
    // A phase starts a moment after the whole second it is planned at.
    expect(phaseIndexAt(startsMs, 1000)).toBe(0);
    expect(phaseIndexAt(startsMs, 1500)).toBe(1);
    expect(phaseIndexAt(startsMs, 2000)).toBe(1);
    expect(phaseIndexAt(startsMs, 60_000)).toBe(1);
  });
});
