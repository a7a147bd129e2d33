import { describe, expect, it } from 'vitest';
import { ContractRecorder } from '../../src/checks/contractRecorder.ts';
import { ResponseContract } from '../../src/checks/responseContract.ts';
import type { Sample } from '../../src/engine/types.ts';
import { generatorMeasurementsSchema } from '../../src/merge/measurements.ts';
import type { GeneratorMeasurements } from '../../src/merge/measurements.ts';
import { mergeMeasurements } from '../../src/merge/mergeMeasurements.ts';
import { RunRecorder } from '../../src/metrics/runRecorder.ts';
import { readPactResponses } from '../../src/pact/pactFile.ts';
import { PACT_FILE } from '../../src/pact/pactTerms.ts';
import { recordedFigures } from '../../src/run/generator.ts';
import { seededRandom } from '../../src/util/random.ts';

const contract = ResponseContract.compile(await readPactResponses(PACT_FILE), PACT_FILE);
const TIME_ORIGIN_MS = Date.parse('2026-11-24T10:00:00.000Z');
const STRIPES = 3;
const PHASES = 2;

/**
 * 3,000 answers over 6 s and two phases: latencies spread over three orders of magnitude, 503s,
 * timeouts, expected 403s, echo faults, and message ids repeated within a stripe, across stripes
 * and across phases. Answer i goes to stripe i mod 3, as the engine's striping sends it.
 */
function answers(): Sample[] {
  const random = seededRandom(11);
  const ids: number[] = [];
  const samples: Sample[] = [];
  for (let i = 0; i < 3000; i++) {
    const phaseIndex = i < 1800 ? 0 : 1;
    const scheduledMs = i * 2;
    const sentMs = scheduledMs + random() * 3;
    const doneMs = sentMs + 0.2 + random() ** 4 * 900;
    const draw = random();
    // A repeat of the id just before (another stripe, lower: it came first), three before (the same stripe), or of phase 0 (another phase).
    const id =
      draw < 0.03 && i % STRIPES !== 0 ? ids[i - 1]! : draw < 0.05 && i >= 3 ? ids[i - 3]! : draw < 0.06 && phaseIndex === 1 ? ids[i - 1500]! : 10_000 + i;
    ids.push(id);
    const text = `message ${i % 17}`;
    const kind = random();
    const base = { phaseIndex, scheduledMs, sentMs, doneMs, request: { body: '', messageBody: text } };
    if (kind < 0.02) samples.push({ ...base, status: 0, error: 'timeout', errorReason: 'no answer within 1000 ms' });
    else if (kind < 0.05)
      samples.push({ ...base, status: 503, responseBody: Buffer.from('{"error_message":"busy"}'), responseHeaders: ['content-type', 'application/json'] });
    else {
      const echoed = kind < 0.08 ? `${text}!` : text;
      const body = { message_id: id, message_body: echoed, created_at: new Date(TIME_ORIGIN_MS + sentMs + 0.1).toISOString(), message_type: 0 };
      samples.push({ ...base, status: 200, responseBody: Buffer.from(JSON.stringify(body)), responseHeaders: ['content-type', 'application/json'] });
    }
  }
  return samples;
}

function measure(samples: readonly Sample[], keepIdLedger: boolean): GeneratorMeasurements {
  const recorder = new RunRecorder(PHASES);
  recorder.startClock(0);
  const checks = new ContractRecorder(contract, PHASES, { sampleShare: 1, clockSkewMs: 1000, timeOriginMs: TIME_ORIGIN_MS, keepIdLedger });
  recorder.observe(checks.observe);
  for (const sample of samples) {
    recorder.onSent(sample.phaseIndex, sample.sentMs);
    recorder.onSample(sample);
  }
  const measured = {
    startedAt: new Date(TIME_ORIGIN_MS).toISOString(),
    endedAt: new Date(TIME_ORIGIN_MS + 7000).toISOString(),
    scheduleStartEpochMs: TIME_ORIGIN_MS,
    sendingEndedMs: 6000,
    phaseStartOffsetsMs: [0, 3600],
    aborted: false,
    abortReason: null,
    interrupted: false,
    ...recordedFigures(recorder, checks),
  };
  // Through JSON and the schema, as a worker's message or a shard's file arrives.
  return generatorMeasurementsSchema.parse(JSON.parse(JSON.stringify(measured)));
}

const exampleKeys = (examples: { status: number; error?: string; bodyExcerpt: string; count: number }[]) =>
  examples.map((e) => `${e.status} ${e.error ?? ''} ${e.bodyExcerpt} x${e.count}`).sort();

describe('mergeMeasurements', () => {
  const all = answers();
  const whole = measure(all, false);
  const merged = mergeMeasurements(
    Array.from({ length: STRIPES }, (_, s) =>
      measure(
        all.filter((_, i) => i % STRIPES === s),
        true,
      ),
    ),
  );

  it('adds counts and histograms: every figure is the single process figure, percentiles exact', () => {
    for (const [part, single] of [[merged.overall, whole.overall] as const, ...merged.phases.map((phase, i) => [phase, whole.phases[i]!] as const)]) {
      const { errorExamples, ...figures } = part.snapshot;
      const { errorExamples: singleExamples, ...singleFigures } = single.snapshot;
      expect(figures).toEqual(singleFigures);
      expect(exampleKeys(errorExamples)).toEqual(exampleKeys(singleExamples));
    }
    expect(merged.overall.snapshot.requests.sent).toBe(3000);
    expect(merged.overall.snapshot.errors.timeout).toBeGreaterThan(20);
  });

  it('adds the timeline second by second, with each second percentiles from the added histograms', () => {
    expect(merged.timeline.map(({ histogram: _, ...second }) => second)).toEqual(whole.timeline.map(({ histogram: _, ...second }) => second));
  });

  it('counts message ids answered to two generators as one process does, per phase', () => {
    const pick = (c: GeneratorMeasurements['overall']['contract']) =>
      c && { checked: c.checked, count: c.count, byKind: c.byKind, noInteraction: c.noInteraction };
    const unique = (c: GeneratorMeasurements['overall']['contract']) => c?.byKind.find((kind) => kind.rule === 'unique')?.count;
    // Enough repeats of every sort to mean something: across stripes, within one, across phases.
    expect(unique(whole.overall.contract)).toBeGreaterThan(100);
    expect(pick(merged.overall.contract)).toEqual(pick(whole.overall.contract));
    expect(merged.phases.map((phase) => pick(phase.contract))).toEqual(whole.phases.map((phase) => pick(phase.contract)));
    expect(merged.overall.contract!.examples.map((e) => `${e.rule} ${e.path}`).sort()).toEqual(
      whole.overall.contract!.examples.map((e) => `${e.rule} ${e.path}`).sort(),
    );
  });

  it('merges merged shards again: two shards of two workers give the same figures as four generators', () => {
    const generator = (stripe: number) =>
      measure(
        all.filter((_, i) => i % 4 === stripe),
        true,
      );
    // Shard i of 2 runs stripes i and i + 2 (worker w of shard i sends k = i + 2w mod 4).
    const shards = [0, 1].map((shard) => mergeMeasurements([generator(shard), generator(shard + 2)]));
    const twice = mergeMeasurements(shards);
    const kinds = (m: GeneratorMeasurements) => ({ checked: m.overall.contract!.checked, byKind: m.overall.contract!.byKind });
    expect(kinds(twice)).toEqual(kinds(whole));
    expect(twice.overall.snapshot.latencyMs).toEqual(whole.overall.snapshot.latencyMs);
    expect(twice.timeline.map((second) => second.p99Ms)).toEqual(whole.timeline.map((second) => second.p99Ms));
  });

  it('without the id ledgers, repeats across generators go unseen (the ledger is what finds them)', () => {
    const blind = mergeMeasurements(
      Array.from({ length: STRIPES }, (_, s) => ({
        ...measure(
          all.filter((_, i) => i % STRIPES === s),
          true,
        ),
        idLedger: null,
      })),
    );
    const unique = (m: GeneratorMeasurements) => m.overall.contract?.byKind.find((kind) => kind.rule === 'unique')?.count ?? 0;
    expect(unique(blind)).toBeLessThan(unique(whole));
  });
});
