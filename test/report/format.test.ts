import { describe, expect, it } from 'vitest';
import { formatDurationMs, latencyColumnFormat, latencyFigureText, thresholdActualText } from '../../src/report/format.ts';
import { TOO_MANY_UNANSWERED } from '../../src/report/resultModel.ts';
import type { ThresholdResult } from '../../src/report/resultModel.ts';

describe('latency figures as people read them', () => {
  it('rounds a value the same way in a table column as in a threshold line', () => {
    // 1.005 and 26.865 lie just below their halfway points as doubles: toFixed rounds them down, Intl up.
    for (const ms of [1.005, 26.865, 4.115]) {
      const inTable = Number.parseFloat(latencyColumnFormat([ms])(ms));
      const inLine = Number.parseFloat(formatDurationMs(ms));
      expect(inTable, String(ms)).toBe(inLine);
    }
  });

  it('shows – for a scope with nothing scheduled and ∞ where requests without an answer reach', () => {
    expect(latencyFigureText(null, 0)).toBe('–');
    expect(latencyFigureText(null, 10)).toBe('∞');
    expect(latencyFigureText(12.5, 10)).toBe('12.5ms');
  });

  it('says why a threshold has no figure', () => {
    const failed = (reason: string | null): ThresholdResult => ({
      expr: 'p99 < 250ms',
      phase: null,
      abortOnFail: false,
      implicit: false,
      operator: '<',
      limit: 250,
      unit: 'ms',
      actual: null,
      passed: false,
      reason,
    });
    expect(thresholdActualText(failed(TOO_MANY_UNANSWERED))).toBe('∞ (too many requests got no answer)');
    expect(thresholdActualText(failed('no request was answered in peak'))).toBe('no request was answered in peak');
  });
});
