import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/engine/types.ts';
import { classifyOutcome } from '../../src/metrics/outcome.ts';
import { RunRecorder } from '../../src/metrics/runRecorder.ts';

function sample(fields: Partial<Sample> & { expectedStatus?: number }): Sample {
  const { expectedStatus, ...rest } = fields;
  return {
    phaseIndex: 0,
    scheduledMs: 0,
    sentMs: 0,
    doneMs: 10,
    status: 200,
    request: { body: Buffer.from('{}'), messageBody: 'hi', expectedStatus },
    responseBody: Buffer.from('{}'),
    ...rest,
  };
}

describe('classifyOutcome', () => {
  it('accepts 2xx, or exactly the status a row expects; transport failures are always errors', () => {
    expect(classifyOutcome(sample({ status: 200 }))).toBe('ok');
    expect(classifyOutcome(sample({ status: 204 }))).toBe('ok');
    // With contract checks on, a 2xx the pact has no interaction for is an answer the consumer cannot read.
    const pactKnows = (status: number) => status === 200 || status === 401 || status === 403;
    expect(classifyOutcome(sample({ status: 200 }), pactKnows)).toBe('ok');
    expect(classifyOutcome(sample({ status: 204 }), pactKnows)).toBe('unexpected');
    expect(classifyOutcome(sample({ status: 302 }))).toBe('unexpected');
    expect(classifyOutcome(sample({ status: 503 }))).toBe('unexpected');
    expect(classifyOutcome(sample({ status: 403, expectedStatus: 403 }))).toBe('expected');
    expect(classifyOutcome(sample({ status: 200, expectedStatus: 403 }))).toBe('unexpected');
    expect(classifyOutcome(sample({ status: 0, error: 'timeout', expectedStatus: 403 }))).toBe('unexpected');
  });
});

describe('RunRecorder', () => {
  it('counts per phase and overall, with latency from the scheduled send and from the actual send', () => {
    const recorder = new RunRecorder(2);
    recorder.startClock(0);
    // Sent 30 ms late (a busy generator): the corrected latency includes the wait, service time does not.
    recorder.onSample(sample({ phaseIndex: 0, scheduledMs: 100, sentMs: 130, doneMs: 150 }));
    recorder.onSample(sample({ phaseIndex: 1, status: 503, responseBody: Buffer.from('{"error_message":"busy"}'), doneMs: 20 }));
    recorder.onSample(sample({ phaseIndex: 1, status: 403, expectedStatus: 403 }));
    recorder.onSample(sample({ phaseIndex: 1, status: 0, error: 'timeout', responseBody: undefined }));
    for (let i = 0; i < 4; i++) recorder.onSent(i === 0 ? 0 : 1, 5);
    const [first, second] = recorder.phases.map((phase) => phase.snapshot());
    expect(first!.latencyMs.max).toBeCloseTo(50, 1);
    expect(first!.serviceLatencyMs.max).toBeCloseTo(20, 1);
    expect(second).toMatchObject({
      requests: { sent: 3, completed: 3 },
      statusCounts: { '403': 1, '503': 1 },
      errors: { timeout: 1, http: { '503': 1 } },
      expectedOutcomes: { '403': 1 },
      unexpected: 2,
    });
    expect(second!.errorRate).toBeCloseTo(2 / 3, 10);
    expect(second!.errorExamples.map((e) => [e.status, e.error, e.bodyExcerpt])).toEqual([
      [503, undefined, '{"error_message":"busy"}'],
      [0, 'timeout', ''],
    ]);
    expect(recorder.overall.snapshot()).toMatchObject({ requests: { sent: 4, completed: 4 }, unexpected: 2, statusCounts: { '200': 1, '403': 1, '503': 1 } });
  });

  it('keeps ten distinct error examples, cut to 300 characters, each with its count', () => {
    const recorder = new RunRecorder(1);
    for (let i = 0; i < 30; i++) recorder.onSample(sample({ status: 500, responseBody: Buffer.from(`${'x'.repeat(400)} ${i % 12}`) }));
    for (let i = 0; i < 5; i++) recorder.onSample(sample({ status: 502, responseBody: Buffer.from('bad gateway') }));
    const examples = recorder.overall.snapshot().errorExamples;
    // The 400 x's make every 500 body the same once cut: one example counted 30 times.
    expect(examples).toEqual([
      { status: 500, error: undefined, bodyExcerpt: 'x'.repeat(300), count: 30 },
      { status: 502, error: undefined, bodyExcerpt: 'bad gateway', count: 5 },
    ]);
    const distinct = new RunRecorder(1);
    for (let i = 0; i < 15; i++) distinct.onSample(sample({ status: 500, responseBody: Buffer.from(`error ${i}`) }));
    expect(distinct.overall.snapshot().errorExamples.map((e) => e.bodyExcerpt)).toEqual(Array.from({ length: 10 }, (_, i) => `error ${i}`));
  });

  it('puts requests on the timeline by second (sent when sent, completed when done) and seals only ended seconds', () => {
    const recorder = new RunRecorder(1);
    recorder.startClock(1000);
    const seen: Sample[] = [];
    recorder.observe((s) => seen.push(s));
    recorder.onSent(0, 1100);
    recorder.onSent(0, 1900);
    recorder.onSample(sample({ scheduledMs: 1100, sentMs: 1100, doneMs: 1150 }));
    // Sent in second 0, answered in second 1, with a 503.
    recorder.onSample(sample({ scheduledMs: 1900, sentMs: 1900, doneMs: 2300, status: 503 }));
    recorder.onSent(0, 2500);
    recorder.onSample(sample({ scheduledMs: 2500, sentMs: 2500, doneMs: 2502, status: 403, expectedStatus: 403 }));
    expect(seen).toHaveLength(3);

    recorder.sealBefore(1999);
    expect(recorder.lastSealed()).toBeUndefined();
    recorder.sealBefore(2001);
    expect(recorder.lastSealed()).toMatchObject({ second: 0, sent: 2, completed: 1, errors: {}, expected: 0, p50Ms: 50, maxMs: 50 });

    const timeline = recorder.timeline();
    expect(timeline.map((s) => s.second)).toEqual([0, 1]);
    expect(timeline[1]).toMatchObject({ second: 1, sent: 1, completed: 2, errors: { http_503: 1 }, expected: 1, maxMs: 400 });
    expect(timeline[1]!.p50Ms).toBeCloseTo(2, 2);
    expect(timeline[1]!.histogram.length).toBeGreaterThan(0);
  });

  it('counts drops by reason', () => {
    const recorder = new RunRecorder(2);
    recorder.startClock(performance.now());
    recorder.onDropped(1, 0, 'queueTimeout');
    recorder.onDropped(1, 0, 'queueTimeout');
    recorder.onDropped(0, 0, 'feedStarved');
    expect(recorder.phases[1]!.snapshot().dropped).toEqual({ queueTimeout: 2, aborted: 0, feedStarved: 0 });
    expect(recorder.overall.snapshot().requests.dropped).toBe(3);
    expect(recorder.timeline().reduce((total, second) => total + second.dropped, 0)).toBe(3);
  });
});
