import { z } from 'zod';
import { IdSet, idSetSchema } from './idSet.ts';
import type { StoredIdSet } from './idSet.ts';

/**
 * The message ids one generator saw first, by phase, split by whether that answer broke any other
 * rule. Generators of one run each check `unique $.message_id` among their own answers; an id
 * answered to two generators is found when their ledgers are merged (see crossGeneratorRepeats).
 * Kept only when a run has more than one generator: a single process needs none of it.
 */
export class IdLedger {
  readonly #phases: { clean: IdSet; dirty: IdSet }[];

  constructor(phaseCount: number) {
    this.#phases = Array.from({ length: phaseCount }, () => ({ clean: new IdSet(), dirty: new IdSet() }));
  }

  /** Notes an id this generator had not seen before, in the phase it was answered in. */
  record(phaseIndex: number, id: number | string, brokeOtherRules: boolean): void {
    const phase = this.#phases[phaseIndex]!;
    (brokeOtherRules ? phase.dirty : phase.clean).add(id);
  }

  toStored(): StoredIdLedger {
    return { phases: this.#phases.map(({ clean, dirty }) => ({ clean: clean.toStored(), dirty: dirty.toStored() })) };
  }
}

export const idLedgerSchema = z.object({ phases: z.array(z.object({ clean: idSetSchema, dirty: idSetSchema })) });
export type StoredIdLedger = z.infer<typeof idLedgerSchema>;

/** Repeats of ids found only by merging, in one phase. */
export interface PhaseRepeats {
  /** Answers whose id an answer to another generator already had. */
  repeats: number;
  /** Of those, answers that broke no other rule (so they add a violating response, not only a violation). */
  cleanRepeats: number;
  /** One repeated id, for the report's example. */
  exampleId: number | string | undefined;
}

/**
 * Ids answered to more than one generator, counted as one process would: every answer after the
 * first with an id is a repeat, counted in the phase it came in. Ledgers are given in stripe
 * order; within one phase, which generator's answer came first cannot be known across processes
 * (or machines, whose clocks differ), so the lower stripe's is taken as the first. Only the
 * violating-response count can depend on that choice, and only when two answers with one id in
 * one phase differ in breaking another rule.
 */
export function crossGeneratorRepeats(ledgers: readonly StoredIdLedger[], phaseCount: number): PhaseRepeats[] {
  const result: PhaseRepeats[] = Array.from({ length: phaseCount }, () => ({ repeats: 0, cleanRepeats: 0, exampleId: undefined }));
  const seenChunks = new Map<number, Uint32Array>();
  const seenOthers = new Set<number | string>();
  for (let phaseIndex = 0; phaseIndex < phaseCount; phaseIndex++) {
    const phase = result[phaseIndex]!;
    const count = (repeats: number, dirty: boolean, exampleId: number | string) => {
      phase.repeats += repeats;
      if (!dirty) phase.cleanRepeats += repeats;
      phase.exampleId ??= exampleId;
    };
    for (const ledger of ledgers) {
      const stored = ledger.phases[phaseIndex];
      if (!stored) continue;
      // An id is seen first by one generator in one of its two sets, never both: the order between them does not matter.
      for (const [set, dirty] of [
        [stored.clean, false],
        [stored.dirty, true],
      ] as const) {
        addChunks(set, seenChunks, (repeats, exampleId) => count(repeats, dirty, exampleId));
        for (const id of set.others) {
          const dense = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
          if (dense ? !markDense(seenChunks, id) : seenOthers.has(id)) count(1, dirty, id);
          else if (!dense) seenOthers.add(id);
        }
      }
    }
  }
  return result;
}

function addChunks(set: StoredIdSet, seen: Map<number, Uint32Array>, onRepeats: (repeats: number, exampleId: number) => void): void {
  for (const [chunkIndex, base64] of set.chunks) {
    const words = IdSet.chunkWords(base64);
    const seenWords = seen.get(chunkIndex);
    if (!seenWords) {
      seen.set(chunkIndex, words);
      continue;
    }
    for (let w = 0; w < words.length; w++) {
      const repeated = words[w]! & seenWords[w]!;
      if (repeated !== 0) onRepeats(popCount(repeated), chunkIndex * IdSet.BITS_PER_CHUNK + w * 32 + (31 - Math.clz32(repeated & -repeated)));
      seenWords[w] = seenWords[w]! | words[w]!;
    }
  }
}

/** Marks a dense id seen; false if it already was. */
function markDense(seen: Map<number, Uint32Array>, id: number): boolean {
  const chunkIndex = Math.floor(id / IdSet.BITS_PER_CHUNK);
  let words = seen.get(chunkIndex);
  if (!words) {
    words = new Uint32Array(IdSet.BITS_PER_CHUNK / 32);
    seen.set(chunkIndex, words);
  }
  const bit = id % IdSet.BITS_PER_CHUNK;
  const mask = 1 << (bit & 31);
  if (words[bit >>> 5]! & mask) return false;
  words[bit >>> 5] = words[bit >>> 5]! | mask;
  return true;
}

function popCount(word: number): number {
  let v = word >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
