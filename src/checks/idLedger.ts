import { z } from 'zod';
import { IdSet, idSetSchema } from './idSet.ts';

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
 * one phase differ in breaking another rule. Also returns the ledger of the generators together
 * (each id once, where it was first seen), so merged shards can be merged again.
 */
export function crossGeneratorRepeats(ledgers: readonly StoredIdLedger[], phaseCount: number): { repeats: PhaseRepeats[]; union: StoredIdLedger } {
  const repeats: PhaseRepeats[] = Array.from({ length: phaseCount }, () => ({ repeats: 0, cleanRepeats: 0, exampleId: undefined }));
  const union = Array.from({ length: phaseCount }, () => ({ clean: new IdSet(), dirty: new IdSet() }));
  const seen = new IdSet();
  for (let phaseIndex = 0; phaseIndex < phaseCount; phaseIndex++) {
    const phase = repeats[phaseIndex]!;
    for (const ledger of ledgers) {
      const stored = ledger.phases[phaseIndex];
      if (!stored) continue;
      // An id is seen first by one generator in one of its two sets, never both: the order between them does not matter.
      for (const [set, dirty] of [
        [stored.clean, false],
        [stored.dirty, true],
      ] as const) {
        const firstSeen = dirty ? union[phaseIndex]!.dirty : union[phaseIndex]!.clean;
        const count = (id: number | string) => {
          if (seen.add(id)) {
            firstSeen.add(id);
            return;
          }
          phase.repeats++;
          if (!dirty) phase.cleanRepeats++;
          phase.exampleId ??= id;
        };
        for (const [chunkIndex, base64] of set.chunks) {
          const words = IdSet.chunkWords(base64);
          for (let w = 0; w < words.length; w++) {
            for (let bits = words[w]!; bits !== 0; bits &= bits - 1) {
              count(chunkIndex * IdSet.BITS_PER_CHUNK + w * 32 + (31 - Math.clz32(bits & -bits)));
            }
          }
        }
        for (const id of set.others) count(id);
      }
    }
  }
  return { repeats, union: { phases: union.map(({ clean, dirty }) => ({ clean: clean.toStored(), dirty: dirty.toStored() })) } };
}
