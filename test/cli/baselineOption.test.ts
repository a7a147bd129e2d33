import { describe, expect, it } from 'vitest';
import { parseTolerance } from '../../src/cli/commands/baselineOption.ts';
import { UserError } from '../../src/errors.ts';

describe('--tolerance', () => {
  it('takes a share as --help offers it: 10%, 0.1 or 0', () => {
    expect(parseTolerance({ tolerance: '10%' })).toBeCloseTo(0.1);
    expect(parseTolerance({ tolerance: '0.1' })).toBeCloseTo(0.1);
    expect(parseTolerance({ tolerance: '0' })).toBe(0);
    expect(parseTolerance({})).toBeCloseTo(0.1);
  });

  it.each(['lots', '0x1', '150%', '-0.1', ''])('refuses %j with exit 2', (tolerance) => {
    expect(() => parseTolerance({ tolerance })).toThrow(UserError);
  });
});
