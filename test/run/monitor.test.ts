import { describe, expect, it } from 'vitest';
import { ratePhase } from '../fixtures/plannedPhases.ts';
import { RunRecorder } from '../../src/metrics/runRecorder.ts';
import type { Sample } from '../../src/engine/types.ts';
import { failingAbortThreshold, liveLine, recordersSoFar } from '../../src/run/monitor.ts';
import type { LoadPlan } from '../../src/scenario/plan.ts';
import { parseThreshold } from '../../src/scenario/thresholds.ts';

describe('liveLine', () => {
  const phases = [ratePhase('warm', 300, 1000), ratePhase('peak', 400, 1000)];
  // The engine starts each phase a moment after its whole second.
  const phaseOffsetsMs = [0, 1000.4];

  it('names the phase of the second it reports, not the one just started', () => {
    const recorder = new RunRecorder(phases.length);
    recorder.startClock(0);
    for (let i = 0; i < 300; i++) recorder.onSent(0, (i * 1000) / 300);
    recorder.onSent(1, 1000.5);
    recorder.sealBefore(1050);
    // At 1.05 s the peak phase runs, yet the figures are warm's first second.
    const atOneSecond = liveLine(phases, recordersSoFar(recorder, null), 1, 1, 1050, phaseOffsetsMs);
    expect(atOneSecond).toMatch(/^\[\s+1s\]\s+warm\s+target\s+300\/s\s+achieved\s+300\/s/);
    expect(atOneSecond).not.toContain('contract');

    for (let i = 1; i < 400; i++) recorder.onSent(1, 1000.5 + (i * 1000) / 400);
    recorder.sealBefore(2050);
    expect(liveLine(phases, recordersSoFar(recorder, null), 0, 1, 2050, phaseOffsetsMs)).toMatch(/^\[\s+2s\]\s+peak\s+target\s+400\/s\s+achieved\s+400\/s/);
  });
  it("labels each figure's window: the second just ended, then the run so far", () => {
    const recorder = new RunRecorder(phases.length);
    recorder.startClock(0);
    for (let i = 0; i < 300; i++) {
      recorder.onSent(0, (i * 1000) / 300);
      // The second's own latency: 10 ms for most, 100 ms for the slowest 2%.
      const sentMs = (i * 1000) / 300;
      const doneMs = Math.min(999, sentMs + (i % 50 === 0 ? 100 : 10));
      recorder.onSample({
        phaseIndex: 0,
        scheduledMs: sentMs,
        sentMs,
        doneMs,
        status: i % 100 === 0 ? 503 : 200,
        request: { body: Buffer.alloc(0), messageBody: 'hi' },
        responseBody: Buffer.from('{}'),
      });
    }
    recorder.sealBefore(1050);
    const line = liveLine(phases, recordersSoFar(recorder, null), 0, 0, 1050, phaseOffsetsMs);
    expect(line).toMatch(/p50 \(1s\)\s+10(\.\d+)?ms\s+p99 \(1s\)\s+10\d(\.\d+)?ms\s+errors \(1s\)\s+3\s+\| run: errors 3 \(1\.00%\)/);
  });
});

describe('abortOnFail thresholds', () => {
  const phases = [ratePhase('warm', 300, 1000), ratePhase('peak', 400, 1000), ratePhase('cool', 100, 1000)];
  const condition = parseThreshold('errorRate < 1%');
  if ('problem' in condition) throw new Error(condition.problem);
  const plan = {
    phases,
    scenario: { thresholds: [{ expr: 'errorRate < 1%', condition, phase: 'peak', abortOnFail: true, implicit: false }] },
  } as unknown as LoadPlan;
  const offsetsMs = [0, 1000, 2000];
  const answer = (phaseIndex: number, status: number): Sample => ({
    phaseIndex,
    scheduledMs: 0,
    sentMs: 0,
    doneMs: 5,
    status,
    request: { body: Buffer.from('{}'), messageBody: 'hi' },
  });

  it('judges a phase-scoped threshold on its phase, and only while that phase runs', () => {
    const recorder = new RunRecorder(phases.length);
    const answered = (sample: Sample) => {
      recorder.onSent(sample.phaseIndex, 0);
      recorder.onSample(sample);
    };
    for (let i = 0; i < 200; i++) answered(answer(0, 500));
    // Errors in warm do not count against a threshold on peak.
    expect(failingAbortThreshold(plan, recordersSoFar(recorder, null), 0, offsetsMs)).toBeUndefined();
    for (let i = 0; i < 200; i++) answered(answer(1, 200));
    // 800 more in flight: errors are counted per request sent, as at the end of the run.
    for (let i = 0; i < 800; i++) recorder.onSent(1, 0);
    for (let i = 0; i < 10; i++) answered(answer(1, 503));
    expect(failingAbortThreshold(plan, recordersSoFar(recorder, null), 1, offsetsMs)).toBeUndefined();
    for (let i = 0; i < 5; i++) answered(answer(1, 503));
    expect(failingAbortThreshold(plan, recordersSoFar(recorder, null), 1, offsetsMs)).toBe('errorRate < 1% (phase peak)');
    // Once peak is over, its verdict is the final result's, not a reason to stop cool.
    expect(failingAbortThreshold(plan, recordersSoFar(recorder, null), 2, offsetsMs)).toBeUndefined();
  });

  /** A plan whose only threshold is `achievedRate >= 380` on peak, with abortOnFail. */
  function achievedRatePlan(): LoadPlan {
    const rate = parseThreshold('achievedRate >= 380');
    if ('problem' in rate) throw new Error(rate.problem);
    return {
      phases,
      scenario: { thresholds: [{ expr: 'achievedRate >= 380', condition: rate, phase: 'peak', abortOnFail: true, implicit: false }] },
    } as unknown as LoadPlan;
  }

  /** A recorder in which peak sent its 400 requests `intervalMs` apart from its start at 1,000 ms. */
  function peakSent(intervalMs: number): RunRecorder {
    const recorder = new RunRecorder(phases.length);
    recorder.startClock(0);
    for (let i = 0; i < 400; i++) recorder.onSent(1, 1000 + i * intervalMs);
    return recorder;
  }

  it('judges an achievedRate abortOnFail once its phase has ended, on the time the phase took to send', () => {
    // peak (400/s for 1 s) sent its 400 requests, the last 500 ms late: 400 / 1.5 s.
    const run = recordersSoFar(peakSent(3.75), null);
    // While peak runs, its rate is not judged: it is a whole phase's.
    expect(failingAbortThreshold(achievedRatePlan(), run, 1, offsetsMs)).toBeUndefined();
    expect(failingAbortThreshold(achievedRatePlan(), run, 2, offsetsMs)).toBe('achievedRate >= 380 (phase peak)');
  });

  it('passes an achievedRate abortOnFail whose phase kept its schedule', () => {
    expect(failingAbortThreshold(achievedRatePlan(), recordersSoFar(peakSent(2.5), null), 2, offsetsMs)).toBeUndefined();
  });
});
