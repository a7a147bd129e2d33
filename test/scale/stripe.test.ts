import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constantSchedule, rampSchedule, replaySchedule } from '../../src/engine/schedule.ts';
import type { Schedule } from '../../src/engine/schedule.ts';
import { userRowSchema } from '../../src/feed/rowSchemas.ts';
import type { UserRow } from '../../src/feed/rowSchemas.ts';
import { inMemorySource, streamingSource } from '../../src/feed/rowSource.ts';
import type { RowSource } from '../../src/feed/rowSource.ts';
import { WHOLE_RUN, globalIndex, stripeConnections, stripeSchedule, stripeSeed, within } from '../../src/scale/stripe.ts';
import type { Stripe } from '../../src/scale/stripe.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

const stripesOf = (count: number): Stripe[] => Array.from({ length: count }, (_, i) => within(WHOLE_RUN, i, count));
/** Two shards, the first with 2 workers and the second with 3: 5 stripes of uneven steps. */
const nested = (): Stripe[] => [...[0, 1].map((w) => within(within(WHOLE_RUN, 0, 2), w, 2)), ...[0, 1, 2].map((w) => within(within(WHOLE_RUN, 1, 2), w, 3))];

function dueTimes(schedule: Schedule): number[] {
  return Array.from({ length: schedule.count }, (_, i) => schedule.dueOffsetMs(i));
}

describe('striped schedules', () => {
  const schedules: [string, Schedule][] = [
    ['constant 997/s for 3 s', constantSchedule(997, 3000)],
    ['ramp 10 -> 900/s over 4 s', rampSchedule(10, 900, 4000)],
    [
      'replay of 101 records',
      replaySchedule(
        Array.from({ length: 101 }, (_, i) => i * i * 0.37),
        2,
      ),
    ],
  ];
  for (const [name, schedule] of schedules) {
    for (const [layout, stripes] of [
      ['3 stripes', stripesOf(3)],
      ['2 shards x (2, 3) workers', nested()],
    ] as const) {
      it(`${name}, ${layout}: together the stripes are the single schedule, time for time`, () => {
        const merged = stripes.flatMap((stripe) => dueTimes(stripeSchedule(schedule, stripe))).sort((a, b) => a - b);
        expect(merged).toEqual(dueTimes(schedule));
        const sum = (fromMs: number, toMs: number) => stripes.reduce((total, stripe) => total + stripeSchedule(schedule, stripe).countBetween(fromMs, toMs), 0);
        for (let fromMs = 0; fromMs < 4000; fromMs += 250) expect(sum(fromMs, fromMs + 250)).toBe(schedule.countBetween(fromMs, fromMs + 250));
      });
    }
  }

  it('gives each stripe every step-th request: stripe 1 of 3 sends requests 1, 4, 7...', () => {
    const stripe = within(WHOLE_RUN, 1, 3);
    const schedule = constantSchedule(100, 1000);
    expect([0, 1, 2].map((i) => stripeSchedule(schedule, stripe).dueOffsetMs(i))).toEqual([10, 40, 70]);
    expect([0, 1, 2].map((i) => globalIndex(i, stripe))).toEqual([1, 4, 7]);
  });

  it('leaves a whole run untouched', () => {
    const schedule = constantSchedule(100, 1000);
    expect(stripeSchedule(schedule, WHOLE_RUN)).toBe(schedule);
  });
});

describe('striped connections', () => {
  it('splits connections as evenly as possible, adding up to the phase', () => {
    for (const connections of [1, 2, 5, 50, 51]) {
      for (const stripes of [stripesOf(2), stripesOf(3)]) {
        const split = stripes.map((stripe) => stripeConnections(connections, stripe));
        expect(split.reduce((a, b) => a + b, 0)).toBe(connections);
        expect(Math.max(...split) - Math.min(...split)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('splits at each cut when shards run different worker counts: 51 = (13 + 13) + (9 + 8 + 8)', () => {
    expect(nested().map((stripe) => stripeConnections(51, stripe))).toEqual([13, 13, 9, 8, 8]);
  });
});

const users = (ids: string, weights: number[] = []): UserRow[] =>
  ids.split('').map((id, i) => ({ auth_id: id, weight: weights[i] ?? 1, business_id: undefined, expect: undefined }));
const drain = (source: RowSource<UserRow>, limit = 1000): string[] => {
  const ids: string[] = [];
  for (let i = 0; i < limit; i++) {
    const row = source.next();
    if (row === 'exhausted') break;
    if (row === 'starved') throw new Error('starved');
    ids.push(row.auth_id);
  }
  return ids;
};

describe('striped feeds', () => {
  it('`once`: every row exactly once over all stripes, weights included', () => {
    for (const stripes of [stripesOf(2), stripesOf(3), nested()]) {
      const all = stripes.flatMap((stripe) => drain(inMemorySource(users('abcdefg', [1, 2, 1, 3, 1, 1, 1]), 'once', 1, stripe)));
      expect(all.sort()).toEqual([...'abbcdddefg']);
    }
  });

  it('`sequence`: stripe s takes positions s, s+N, ... of the single-process order', () => {
    const whole = drain(inMemorySource(users('abcde', [1, 2]), 'sequence', 1), 24);
    const stripe = within(WHOLE_RUN, 1, 4);
    expect(drain(inMemorySource(users('abcde', [1, 2]), 'sequence', 1, stripe), 6)).toEqual([1, 5, 9, 13, 17, 21].map((k) => whole[k]));
  });

  it('`random`: reproducible per stripe under the seed, and a different stream for each stripe', () => {
    const draw = (stripe: Stripe) => drain(inMemorySource(users('abcdefghij'), 'random', 42, stripe), 50).join('');
    const [first, second] = stripesOf(2);
    expect(draw(first!)).toBe(draw(first!));
    expect(draw(first!)).not.toBe(draw(second!));
    expect(stripeSeed(42, WHOLE_RUN)).toBe(42);
  });

  describe('streamed from a file', () => {
    let files: ReturnType<typeof tempDir>;
    beforeEach(() => (files = tempDir()));
    afterEach(() => files.cleanup());

    it('`once` and `sequence` stripe the file like the in-memory feed', async () => {
      const ids = Array.from({ length: 300 }, (_, i) => `u${i}`);
      const file = files.write('users.csv', `auth_id,weight\n${ids.map((id, i) => `${id},${(i % 3) + 1}`).join('\n')}\n`);
      const expanded = ids.flatMap((id, i) => Array.from({ length: (i % 3) + 1 }, () => id));
      const read = async (order: 'once' | 'sequence', stripe: Stripe, limit: number) => {
        const source = streamingSource(file, userRowSchema, order, 1, 64, stripe);
        await source.ready;
        const got: string[] = [];
        while (got.length < limit) {
          const row = source.next();
          if (row === 'exhausted') break;
          if (row === 'starved') await new Promise((resolve) => setTimeout(resolve, 1));
          else got.push(row.auth_id);
        }
        source.close();
        return got;
      };
      const onceParts = await Promise.all(nested().map((stripe) => read('once', stripe, 10_000)));
      expect(onceParts.flat().sort()).toEqual([...expanded].sort());
      const stripe = within(WHOLE_RUN, 2, 3);
      // 700 turns: past the end of the file (600 turns), so the reopened file carries on the positions.
      const sequence = await read('sequence', stripe, 700);
      expect(sequence).toEqual(Array.from({ length: 700 }, (_, j) => expanded[(2 + 3 * j) % expanded.length]));
    });
  });
});
