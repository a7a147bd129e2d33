import { describe, expect, it } from 'vitest';
import { parseShard, parseStartAt, parseWorkers } from '../../src/cli/commands/scaleOptions.ts';
import { UserError } from '../../src/errors.ts';

const message = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof UserError) return `${error.exitCode}: ${error.message}`;
    throw error;
  }
  throw new Error('no error');
};

describe('--workers', () => {
  it('takes a count or auto, and names what it wants otherwise', () => {
    expect(parseWorkers(undefined)).toBeUndefined();
    expect(parseWorkers('3')).toBe(3);
    expect(parseWorkers(' auto ')).toBe('auto');
    expect(message(() => parseWorkers('0'))).toBe('2: --workers wants a whole number from 1 to 64, or auto (one per core); got "0"');
    expect(message(() => parseWorkers('2.5'))).toContain('got "2.5"');
    expect(message(() => parseWorkers('65'))).toContain('from 1 to 64');
  });
});

describe('--shard', () => {
  it('takes i/N, or N with the index from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)', () => {
    expect(parseShard('2/3', {})).toEqual({ index: 2, count: 3 });
    expect(parseShard('3', { JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 1, count: 3 });
    // An explicit index wins over the environment.
    expect(parseShard('0/3', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 0, count: 3 });
  });

  it('refuses an index out of range, a missing index and other text, each with what to write', () => {
    expect(message(() => parseShard('3/3', {}))).toBe('2: --shard: shard index 3 is not one of 0..2');
    expect(message(() => parseShard('3', { JOB_COMPLETION_INDEX: '7' }))).toBe('2: --shard: shard index 7 (from JOB_COMPLETION_INDEX) is not one of 0..2');
    expect(message(() => parseShard('3', {}))).toBe(
      '2: --shard 3 names no shard: write --shard i/3, or set JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it)',
    );
    expect(message(() => parseShard('a/b', {}))).toContain('--shard wants i/N');
    expect(message(() => parseShard('0/0', {}))).toContain('between 1 and 1000 shards');
  });
});

describe('--start-at', () => {
  const now = Date.parse('2026-12-01T08:00:00Z');
  it('takes a UTC time within the next 24 hours (a past one starts at once)', () => {
    expect(parseStartAt('2026-12-01T09:00:00Z', now)).toBe(Date.parse('2026-12-01T09:00:00Z'));
    expect(parseStartAt('2026-12-01T07:00:00.250Z', now)).toBe(Date.parse('2026-12-01T07:00:00.250Z'));
  });

  it('refuses local times, other text and times more than a day away', () => {
    expect(message(() => parseStartAt('2026-12-01T09:00:00+01:00', now))).toBe(
      '2: --start-at wants a UTC time such as 2026-12-01T09:00:00Z; got "2026-12-01T09:00:00+01:00"',
    );
    expect(message(() => parseStartAt('tomorrow', now))).toContain('wants a UTC time');
    expect(message(() => parseStartAt('2026-12-03T09:00:00Z', now))).toBe('2: --start-at 2026-12-03T09:00:00Z is more than 24 hours away');
  });
});
