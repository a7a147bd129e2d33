import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import { seededRandom } from '../util/random.ts';
import type { Random } from '../util/random.ts';
import { readCsvRecords } from './csvRecords.ts';
import { WHOLE_RUN, stripeSeed } from '../scale/stripe.ts';
import type { Stripe } from '../scale/stripe.ts';

/** How rows are handed out: in file order forever, at random, or in file order once. */
export type FeedOrder = 'sequence' | 'random' | 'once';

/** A synchronous supply of rows for the hot path. */
export interface RowSource<T> {
  /** The next row; `exhausted` after the last row of a `once` feed; `starved` if a streamed feed lags. */
  next(): T | 'exhausted' | 'starved';
  close(): void;
}

/** Rows carry a positive integer weight: how many turns they get per cycle relative to the others. */
export interface Weighted {
  weight: number;
}

/** Files up to this size are held in memory (exact orders); larger ones are streamed. */
export const IN_MEMORY_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Rows held in memory: exact sequence (each row `weight` turns per cycle), weighted random, once.
 * A stripe takes the turns at its positions of the sequence (so every stripe's `once` rows
 * together are each row once), and draws `random` rows from a stream seeded for it.
 */
export function inMemorySource<T extends Weighted>(rows: readonly T[], order: FeedOrder, seed: number, stripe: Stripe = WHOLE_RUN): RowSource<T> {
  if (order === 'random') return weightedRandomSource(rows, stripeSeed(seed, stripe));
  const whole = sequenceSource(rows, order);
  if (stripe.step === 1) return whole;
  let skip = stripe.offset;
  return {
    next() {
      for (; skip > 0; skip--) if (whole.next() === 'exhausted') return 'exhausted';
      skip = stripe.step - 1;
      return whole.next();
    },
    close() {},
  };
}

function weightedRandomSource<T extends Weighted>(rows: readonly T[], seed: number): RowSource<T> {
  const cumulative: number[] = [];
  let total = 0;
  for (const row of rows) {
    total += row.weight;
    cumulative.push(total);
  }
  const random = seededRandom(seed);
  return { next: () => rows[upperBound(cumulative, random() * total)]!, close() {} };
}

function sequenceSource<T extends Weighted>(rows: readonly T[], order: 'sequence' | 'once'): RowSource<T> {
  let index = 0;
  let turnsLeft = rows[0]?.weight ?? 0;
  return {
    next() {
      if (index >= rows.length) {
        if (order === 'once') return 'exhausted';
        index = 0;
        turnsLeft = rows[0]!.weight;
      }
      const row = rows[index]!;
      if (--turnsLeft <= 0) {
        index++;
        turnsLeft = rows[index]?.weight ?? 0;
      }
      return row;
    },
    close() {},
  };
}

/**
 * Rows streamed from a CSV with bounded memory: a prefetch buffer of `bufferRows` rows refilled in
 * the background. `sequence` reopens the file at its end; `random` draws from the buffer (a
 * shuffle window of `bufferRows` rows, like a streaming shuffle); weights repeat a row's turns.
 * A stripe keeps only the turns at its positions of the sequence (`random`: a stream seeded for it).
 */
export function streamingSource<S extends z.ZodType<Weighted>>(
  file: string,
  schema: S,
  order: FeedOrder,
  seed: number,
  bufferRows = 16_384,
  stripe: Stripe = WHOLE_RUN,
): RowSource<z.output<S>> & { ready: Promise<void> } {
  type Row = z.output<S>;
  const buffer: Row[] = [];
  let head = 0;
  const random: Random = seededRandom(stripeSeed(seed, stripe));
  const striped = order !== 'random' && stripe.step > 1;
  /** The position in the whole run's sequence of the next turn read (it runs on across reopenings). */
  let position = 0;
  let endOfFile = false;
  let closed = false;
  let wake: (() => void) | undefined;
  let failure: unknown;

  const fill = async () => {
    do {
      for await (const { record } of readCsvRecords(file)) {
        if (closed) return;
        const row = schema.parse(record) as Row;
        for (let turn = 0; turn < row.weight; turn++) {
          if (!striped || position % stripe.step === stripe.offset) buffer.push(row);
          position++;
        }
        if (buffer.length - head >= bufferRows) {
          firstFill();
          await new Promise<void>((resolve) => (wake = resolve));
          if (closed) return;
        }
      }
    } while (order !== 'once' && !closed);
    endOfFile = true;
    firstFill();
  };
  let firstFill!: () => void;
  const ready = new Promise<void>((resolve) => (firstFill = resolve));
  fill().catch((error: unknown) => {
    failure = error;
    endOfFile = true;
    firstFill();
  });

  return {
    ready,
    next() {
      if (failure) throw failure;
      const available = buffer.length - head;
      if (available === 0) return endOfFile ? 'exhausted' : 'starved';
      let row: Row;
      if (order === 'random') {
        const at = head + Math.floor(random() * available);
        row = buffer[at]!;
        buffer[at] = buffer[head]!;
      } else {
        row = buffer[head]!;
      }
      head++;
      if (head >= bufferRows / 2) {
        // Compact rarely, so taking a row stays O(1).
        buffer.splice(0, head);
        head = 0;
      }
      if (available - 1 < bufferRows / 2 && wake) {
        const resume = wake;
        wake = undefined;
        resume();
      }
      return row;
    },
    close() {
      closed = true;
      wake?.();
    },
  };
}

/** Reads every row of a small CSV (already validated) into memory. */
export async function readAllRows<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>[]> {
  const rows: z.output<S>[] = [];
  for await (const { record } of readCsvRecords(file)) rows.push(schema.parse(record));
  return rows;
}

/** Opens the right source for a file's size: in memory when small, streamed when large. */
export async function openRowSource<S extends z.ZodType<Weighted>>(
  file: string,
  schema: S,
  order: FeedOrder,
  seed: number,
  stripe: Stripe = WHOLE_RUN,
): Promise<RowSource<z.output<S>>> {
  const { size } = await stat(file);
  if (size <= IN_MEMORY_LIMIT_BYTES) return inMemorySource(await readAllRows(file, schema), order, seed, stripe);
  const source = streamingSource(file, schema, order, seed, undefined, stripe);
  await source.ready;
  return source;
}

function upperBound(cumulative: readonly number[], value: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
