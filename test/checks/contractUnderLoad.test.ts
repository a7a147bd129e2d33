import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { readBody, startTestServer } from '../fixtures/servers.ts';
import type { TestServer } from '../fixtures/servers.ts';
import { PREFLIGHT_MESSAGE } from '../../src/run/preflight.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

/** What the provider broke, by the checker's kind, and how many answers it broke at least once. */
interface Breakage {
  byKind: Record<string, number>;
  responses: number;
}

/**
 * A provider that honours the contract at first sight but breaks it under load: every 7th answer
 * has `message_id: null`, every 11th `created_at: "yesterday"`, every 13th repeats an earlier id,
 * every 17th stores another text than the one sent. It tallies exactly what it broke.
 */
async function startFlakyProvider(): Promise<TestServer & { broken: Breakage }> {
  const broken: Breakage = { byKind: {}, responses: 0 };
  const tally = (kind: string) => (broken.byKind[kind] = (broken.byKind[kind] ?? 0) + 1);
  let loadRequests = 0;
  let nextId = 1000;
  // The id an answer repeats is one of an answer broken in no other way: the client may read the
  // repeat before the original (answers overtake each other on separate connections) and flag the
  // original instead, which must then leave the count of broken answers as it was.
  let lastCleanId = 0;
  const server = await startTestServer(async (req, res) => {
    const sent = JSON.parse(await readBody(req)) as { message_body: string };
    const answer: Record<string, unknown> = { message_id: nextId++, message_body: sent.message_body, created_at: new Date().toISOString(), message_type: 0 };
    // Preflight requests are left alone: only load is counted.
    if (sent.message_body !== PREFLIGHT_MESSAGE) {
      const k = ++loadRequests;
      const kinds: string[] = [];
      if (k % 7 === 0) {
        answer.message_id = null;
        kinds.push('integer $.message_id');
      } else if (k % 13 === 0) {
        answer.message_id = lastCleanId;
        kinds.push('unique $.message_id');
      }
      if (k % 11 === 0) {
        answer.created_at = 'yesterday';
        kinds.push('datetime $.created_at');
      }
      if (k % 17 === 0) {
        answer.message_body = `${sent.message_body} (edited)`;
        kinds.push('echo $.message_body');
      }
      kinds.forEach(tally);
      if (kinds.length > 0) broken.responses++;
      else lastCleanId = answer.message_id as number;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  return Object.assign(server, { broken });
}

let files: ReturnType<typeof tempDir>;
let provider: Awaited<ReturnType<typeof startFlakyProvider>>;
beforeEach(async () => {
  files = tempDir();
  files.write('users.csv', 'auth_id\nalice01\nbob02\n');
  files.write('messages.csv', 'message_body\nhello\nनमस्ते 🙏\n');
  provider = await startFlakyProvider();
});
afterEach(async () => {
  await provider.close();
  files.cleanup();
});

describe('contract checks under load', () => {
  it('detects and counts exactly each kind of breakage the provider makes', async () => {
    const scenario = writeCliScenario(
      files,
      'flaky',
      '  - { name: first, duration: 1s, rate: 300 }\n  - { name: second, duration: 1.5s, rate: 400 }',
      'thresholds:\n  - contractViolations == 0',
    );
    const out = join(files.dir, 'out');
    const run = await runCliProcess(['load', scenario, '--target', provider.url, '--out', out], { env: { HAPTIK_TOKEN: 'token', HAPTIK_CLIENT_ID: 'client' } });
    expect(run.stderr).toBe('');
    // The threshold fails: the provider broke the contract.
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}contractViolations == 0\s+actual \d+/);
    expect(run.stdout).toMatch(/ contract \d+/);
    const result = readRunResult(out);
    const checked = result.overall.contractViolations!;
    expect(checked.checked).toBe(900);
    expect(checked.count).toBe(provider.broken.responses);
    expect(checked.count).toBe(289);
    expect(run.stdout).toContain(
      'contract: 289 of 900 checked responses broke it (32.1%); integer $.message_id: 128, datetime $.created_at: 81, unique $.message_id: 60, echo $.message_body: 52',
    );
    expect(Object.fromEntries(checked.byKind.map((kind) => [`${kind.rule} ${kind.path}`, kind.count]))).toEqual(provider.broken.byKind);
    expect(provider.broken.byKind).toEqual({ 'integer $.message_id': 128, 'unique $.message_id': 60, 'datetime $.created_at': 81, 'echo $.message_body': 52 });
    // Per phase: the counts add up to the whole run.
    const phaseCounts = result.phases.map((phase) => phase.contractViolations!.count);
    expect(phaseCounts[0]! + phaseCounts[1]!).toBe(checked.count);
    expect(result.contract).toMatchObject({ sampleShare: 1, statuses: [200, 401, 403] });
    // The first answer of each pact kind, replayed through Pact's reference verifier after the run, is confirmed broken.
    expect(result.contract!.reference).toEqual({ replayed: 2, confirmed: 2, disputed: [], unavailable: null });
    expect(Object.fromEntries(checked.examples.map((example) => [`${example.rule} ${example.path}`, example.reference]))).toEqual({
      'integer $.message_id': 'confirmed',
      'datetime $.created_at': 'confirmed',
      'unique $.message_id': 'notApplicable',
      'echo $.message_body': 'notApplicable',
    });
    expect(run.stdout).toContain("Pact's reference verifier, replaying the first answer of each kind: 2 of 2 confirmed broken");
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<section id="contract">');
  });
  it('finds no echo violation when every answer arrives a byte at a time, multi-byte characters split across reads', async () => {
    const splitting = await startTestServer(async (req, res) => {
      const sent = JSON.parse(await readBody(req)) as { message_body: string };
      const bytes = Buffer.from(
        JSON.stringify({
          message_id: Number(process.hrtime.bigint() % 1_000_000_000_000n),
          message_body: sent.message_body,
          created_at: new Date().toISOString(),
          message_type: 0,
        }),
      );
      res.socket!.setNoDelay(true);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      for (const byte of bytes) {
        res.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    });
    try {
      files.write('messages.csv', 'message_body\nनमस्ते 🙏 — こんにちは, добрый день\n');
      const scenario = writeCliScenario(files, 'split', '  - { name: steady, duration: 1s, rate: 40 }');
      const out = join(files.dir, 'split');
      const run = await runCliProcess(['load', scenario, '--target', splitting.url, '--out', out], {
        env: { HAPTIK_TOKEN: 'token', HAPTIK_CLIENT_ID: 'client' },
      });
      expect(run.stderr).toBe('');
      const result = readRunResult(out);
      expect(result.overall.contractViolations).toMatchObject({ checked: 40, count: 0, byKind: [] });
      expect(run.exitCode).toBe(0);
    } finally {
      await splitting.close();
    }
  });
});
