import { describe, expect, it } from 'vitest';
import { parseThreshold, thresholdHolds } from '../../src/scenario/thresholds.ts';

describe('thresholds', () => {
  it.each([
    ['p99 < 250ms', { kind: 'latency', clock: 'corrected', stat: 'p99' }, '<', 250],
    ['p99.9 <= 0.9s', { kind: 'latency', clock: 'corrected', stat: 'p999' }, '<=', 900],
    ['service.p99 < 50ms', { kind: 'latency', clock: 'service', stat: 'p99' }, '<', 50],
    ['errorRate < 1%', { kind: 'errorRate' }, '<', 0.01],
    ['dropRate == 0', { kind: 'dropRate' }, '==', 0],
    ['achievedRate > 500/s', { kind: 'achievedRate' }, '>', 500],
    ['contractViolations <= 5', { kind: 'contractViolations' }, '<=', 5],
    ['contractViolationRate < 0.1%', { kind: 'contractViolationRate' }, '<', 0.001],
  ])('parses %s', (expression, metric, operator, limit) => {
    expect(parseThreshold(expression)).toEqual({ metric, operator, limit });
  });

  it.each(['errorRate < 0x1', 'achievedRate >= 0x10', 'contractViolations <= 0b1', 'dropRate < 1e-2', 'achievedRate > Infinity'])(
    'refuses %s: numbers are written in decimal',
    (expression) => {
      expect(parseThreshold(expression)).toMatchObject({ problem: expect.stringContaining('is not') });
    },
  );

  it('never holds on an infinite latency, whatever the operator', () => {
    for (const operator of ['<', '<=', '>', '>=', '==', '!='] as const) {
      expect(thresholdHolds({ metric: { kind: 'latency', clock: 'corrected', stat: 'p99' }, operator, limit: 1 }, Number.POSITIVE_INFINITY)).toBe(false);
    }
  });

  it('holds or not by its operator', () => {
    const condition = (operator: '<' | '<=' | '>' | '>=' | '==' | '!=') => ({ metric: { kind: 'errorRate' as const }, operator, limit: 0.5 });
    expect([0.4, 0.5, 0.6].map((actual) => thresholdHolds(condition('<'), actual))).toEqual([true, false, false]);
    expect([0.4, 0.5, 0.6].map((actual) => thresholdHolds(condition('<='), actual))).toEqual([true, true, false]);
    expect([0.4, 0.5, 0.6].map((actual) => thresholdHolds(condition('>='), actual))).toEqual([false, true, true]);
    expect([0.4, 0.5, 0.6].map((actual) => thresholdHolds(condition('!='), actual))).toEqual([true, false, true]);
    expect(thresholdHolds(condition('<'), Number.POSITIVE_INFINITY)).toBe(false);
  });

  it.each([
    ['p99 < 250', /not a duration with a unit/],
    ['p42 < 1s', /unknown metric "p42"/],
    ['errorRate < 200%', /not a share/],
    ['p99 250ms', /"p99 250ms" column 5: expected a comparison \(<, <=, >, >=, ==, !=\) after "p99", found "250ms", e\.g\. "p99 < 250ms"/],
    ['p99 < 10 ms', /"p99 < 10 ms" column 7: no space between a number and its unit: write 10ms/],
    ['errorRate < 1 %', /column 13: no space between a number and its unit: write 1%/],
    ['p98 < 5ms', /unknown metric "p98" in "p98 < 5ms" \(did you mean "p90"\?\); known: min, mean, p50/],
    ['p99 = 5ms', /column 5: a single = compares nothing: write ==/],
    ['p99 <', /column 6: nothing after "<": a value such as 250ms/],
    ['< 5ms', /column 1: expected a metric name/],
    ['p99 < 5ms or 6ms', /"5ms or 6ms" is more than one value/],
    ['contractViolations < 1%', /not a count of responses/],
  ])('rejects %s with a message saying what is expected', (expression, message) => {
    const parsed = parseThreshold(expression);
    expect('problem' in parsed && parsed.problem).toMatch(message);
  });
});
