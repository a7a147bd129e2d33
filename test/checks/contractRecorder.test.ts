import { describe, expect, it } from 'vitest';
import { PACT_FILE } from '../../src/pact/pactTerms.ts';
import { ContractRecorder } from '../../src/checks/contractRecorder.ts';
import { readPactResponses } from '../../src/pact/pactFile.ts';
import { ResponseContract } from '../../src/checks/responseContract.ts';
import type { Sample } from '../../src/engine/types.ts';

const contract = ResponseContract.compile(await readPactResponses(PACT_FILE), PACT_FILE);
const TIME_ORIGIN_MS = Date.parse('2026-11-24T10:00:00.000Z');
const at = (ms: number) => new Date(TIME_ORIGIN_MS + ms).toISOString();

let nextId = 1;
function sample(
  options: {
    phaseIndex?: number;
    status?: number;
    expectedStatus?: number;
    sentText?: string;
    body?: Record<string, unknown> | string;
    sentMs?: number;
    error?: 'timeout';
  } = {},
): Sample {
  const sentMs = options.sentMs ?? 1000;
  const sentText = options.sentText ?? 'नमस्ते 🙏';
  const body = options.body ?? { message_id: nextId++, message_body: sentText, created_at: at(sentMs + 5), message_type: 0 };
  return {
    phaseIndex: options.phaseIndex ?? 0,
    scheduledMs: sentMs,
    sentMs,
    doneMs: sentMs + 20,
    status: options.error ? 0 : (options.status ?? 200),
    error: options.error,
    request: { body: Buffer.alloc(0), messageBody: sentText, expectedStatus: options.expectedStatus },
    responseBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    responseHeaders: ['content-type', 'application/json'],
  };
}

function recorder(sampleShare = 1) {
  return new ContractRecorder(contract, 2, { sampleShare, clockSkewMs: 1000, timeOriginMs: TIME_ORIGIN_MS });
}

describe('ContractRecorder', () => {
  it('counts nothing for a clean provider', () => {
    const r = recorder();
    for (let i = 0; i < 50; i++) r.observe(sample({ phaseIndex: i % 2 }));
    r.observe(sample({ status: 403, body: { error_message: 'user is not registered' } }));
    r.observe(sample({ error: 'timeout' }));
    const { overall, phases } = r.snapshot();
    expect(overall).toEqual({ checked: 51, count: 0, rate: 0, byKind: [], noInteraction: {}, contentEncodings: {}, examples: [] });
    expect(phases.map((p) => p.checked)).toEqual([26, 25]);
  });

  it('checks what the pact cannot: the text echoed, unique ids, created_at inside the request window', () => {
    const r = recorder();
    r.observe(sample({ body: { message_id: 7, message_body: 'hello', created_at: at(1005), message_type: 0 }, sentText: 'hello' }));
    r.observe(sample({ body: { message_id: 7, message_body: 'hello', created_at: at(1005), message_type: 0 }, sentText: 'hello' }));
    r.observe(sample({ body: { message_id: 8, message_body: 'hello, edited', created_at: at(1005), message_type: 0 }, sentText: 'hello' }));
    // 1,000 ms of skew allowed around the window [1000, 1020] ms: 0.9 s early is fine, 2.5 s late is not.
    r.observe(sample({ body: { message_id: 9, message_body: 'hi', created_at: at(100), message_type: 0 }, sentText: 'hi' }));
    r.observe(sample({ body: { message_id: 10, message_body: 'hi', created_at: at(3520), message_type: 0 }, sentText: 'hi' }));
    // The same timestamp text again, for a request sent 10 s later: now outside its window.
    r.observe(sample({ body: { message_id: 11, message_body: 'hi', created_at: at(3520), message_type: 0 }, sentText: 'hi', sentMs: 3510 }));
    r.observe(sample({ body: { message_id: 12, message_body: 'hi', created_at: at(3520), message_type: 0 }, sentText: 'hi', sentMs: 13_510 }));
    const { overall } = r.snapshot();
    expect(overall.count).toBe(4);
    // Equal counts are listed by path.
    expect(overall.byKind).toEqual([
      { rule: 'window', path: '$.created_at', source: 'ingestion', count: 2 },
      { rule: 'echo', path: '$.message_body', source: 'ingestion', count: 1 },
      { rule: 'unique', path: '$.message_id', source: 'ingestion', count: 1 },
    ]);
    expect(overall.examples.find((e) => e.rule === 'window')!.actual).toBe(`${at(3520)} (+2500 ms outside)`);
  });

  it('keeps examples redacted: message texts become their length', () => {
    const r = recorder();
    r.observe(
      sample({ sentText: 'my card number is 4111', body: { message_id: null, message_body: 'my card number is 4111', created_at: at(1005), message_type: 0 } }),
    );
    const [example] = r.snapshot().overall.examples;
    expect(example).toMatchObject({ status: 200, rule: 'integer', path: '$.message_id', actual: 'null' });
    expect(example!.bodyExcerpt).toBe(`{"message_id":null,"message_body":"[redacted: 22 chars]","created_at":"${at(1005)}","message_type":0}`);
  });

  it('counts an answer whose status the pact has no interaction for as broken, unless its row expects it, and checks an even share when sampling', () => {
    const r = recorder(0.25);
    for (let i = 0; i < 400; i++)
      r.observe(
        sample({
          status: i % 4 === 3 ? (i % 8 === 3 ? 503 : 404) : 200,
          // The users CSV expects a 404 for some users: their 404s are not the pact's to judge.
          expectedStatus: i % 8 === 7 ? 404 : undefined,
          body: i % 4 === 3 ? '{"error":"busy"}' : { message_id: null, message_body: 'x', created_at: at(1005), message_type: 0 },
          sentText: 'x',
        }),
      );
    const { overall } = r.snapshot();
    // Every 4th response is taken: exactly those that are 503s (broken) and expected 404s (apart).
    expect(overall.noInteraction).toEqual({ '404': 50 });
    expect(overall.checked).toBe(50);
    expect(overall.count).toBe(50);
    expect(overall.byKind).toEqual([{ rule: 'status', path: '$', source: 'pact', count: 50 }]);
    expect(overall.examples[0]).toMatchObject({ status: 503, rule: 'status', path: '$', actual: '503' });
    expect(r.replayableAnswers()).toMatchObject([{ kind: 'status $', status: 503, judgedAs: 200 }]);
  });

  it('gives exact counts whenever they are read, though it checks later and in batches', async () => {
    const r = recorder();
    const seen: number[] = [];
    const readAt = new Set([1, 13, 1023, 1024, 1025, 2049]);
    // Every 7th answer repeats the id before it; counts are read at odd points and across the
    // point where 1,024 waiting responses are checked at once.
    for (let i = 1; i <= 2500; i++) {
      r.observe(sample({ body: { message_id: i % 7 === 0 ? i - 1 : i, message_body: 'x', created_at: at(1005), message_type: 0 }, sentText: 'x' }));
      if (readAt.has(i)) seen.push(r.violatingResponses, r.snapshot().overall.checked);
      if (i === 2100) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(seen).toEqual([0, 1, 1, 13, 146, 1023, 146, 1024, 146, 1025, 292, 2049]);
    const { overall } = r.snapshot();
    expect(overall).toMatchObject({ checked: 2500, count: 357 });
    expect(overall.byKind).toEqual([{ rule: 'unique', path: '$.message_id', source: 'ingestion', count: 357 }]);
  });
});
