import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/checks/idSet.ts';
import { seededRandom } from '../../src/util/random.ts';

describe('IdSet', () => {
  it('tells new ids from repeats exactly, for dense counters, sparse numbers and strings alike', () => {
    const ids = new IdSet();
    const reference = new Set<number | string>();
    const random = seededRandom(3);
    for (let i = 0; i < 50_000; i++) {
      const draw = random();
      // Mostly a counter from a big offset, some random 32-bit ids, negatives, fractions and strings.
      const id =
        draw < 0.7
          ? 1_411_200_000 + Math.floor(random() * 60_000)
          : draw < 0.85
            ? Math.floor(random() * 2 ** 32)
            : draw < 0.9
              ? -Math.floor(random() * 50)
              : draw < 0.95
                ? Math.floor(random() * 100) + 0.5
                : `id-${Math.floor(random() * 5000)}`;
      expect(ids.add(id)).toBe(!reference.has(id));
      reference.add(id);
    }
  });
});
