// The shard's side of the link against a coordinator written by hand, frame by frame.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CoordinatorLink } from '../../src/coordinate/coordinatorClient.ts';
import type { JoinRequest } from '../../src/coordinate/coordinatorClient.ts';
import { JOIN_PATH } from '../../src/coordinate/protocol.ts';
import { proofFor } from '../../src/coordinate/runToken.ts';
import { UserError } from '../../src/errors.ts';
import { startTestServer } from '../fixtures/servers.ts';
import type { TestServer } from '../fixtures/servers.ts';

const TOKEN = 'the-run-token-0123456789';
const NONCE = 'ab'.repeat(32);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A coordinator that challenges, reads the join, and answers with `answer(join)` written at once;
 * then answers the shard's first 'prepared' with `onPrepared(round)`, when given.
 */
async function handWrittenCoordinator(answer: (join: { nonce: string }) => string, onPrepared?: (round: number) => string): Promise<string> {
  server = await startTestServer((req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(`${JSON.stringify({ type: 'challenge', nonce: NONCE })}\n`);
    let buffered = '';
    let answered = false;
    let preparedAnswered = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      const line = lines.find((text) => text.includes('"join"'));
      // Once: the shard's pings come on the same stream later.
      if (line && !answered) res.write(answer(JSON.parse(line) as { nonce: string }));
      answered ||= line !== undefined;
      const prepared = lines.find((text) => text.includes('"prepared"'));
      if (prepared && onPrepared && !preparedAnswered) res.write(onPrepared((JSON.parse(prepared) as { round: number }).round));
      preparedAnswered ||= prepared !== undefined;
    });
  });
  return server.url;
}

const joinAt = (url: string, token = TOKEN): JoinRequest => ({
  url,
  token,
  shard: { index: 0, count: 1 },
  planFingerprint: 'plan',
  scenarioName: 'test',
  workers: 1,
  readyTimeoutMs: 5000,
  signals: [],
  onLine: () => {},
});

describe('CoordinatorLink', () => {
  it('hears a round that arrives in the same read as its acceptance, says it is ready, and hears the start', async () => {
    const url = await handWrittenCoordinator(
      (join) =>
        `${JSON.stringify({ type: 'accepted', proof: proofFor(TOKEN, join.nonce, 'coordinator'), runId: 'r1', preflightDone: true })}\n` +
        `${JSON.stringify({ type: 'prepare', round: 1, trial: null })}\n`,
      (round) => `${JSON.stringify({ type: 'start', round, startAtEpochMs: 1234 })}\n`,
    );
    const link = await CoordinatorLink.join(joinAt(url));
    expect(link.runId).toBe('r1');
    // Nothing else comes: the round must be the one that came with the acceptance.
    const within3s = <T>(promise: Promise<T>) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('nothing within 3 s'), 3000))]);
    expect(await within3s(link.nextRound())).toEqual({ round: 1, trial: null });
    // The start comes only as the answer to this shard's 'prepared'.
    expect(await within3s(link.readyFor(1))).toBe(1234);
    expect(link.stop.aborted).toBe(false);
    await link.close();
  });

  it('stops a round whose start never came when the coordinator goes away: it cannot run on misaligned', async () => {
    const url = await handWrittenCoordinator(
      (join) =>
        `${JSON.stringify({ type: 'accepted', proof: proofFor(TOKEN, join.nonce, 'coordinator'), runId: 'r1', preflightDone: true })}\n` +
        `${JSON.stringify({ type: 'prepare', round: 1, trial: null })}\n`,
    );
    const link = await CoordinatorLink.join(joinAt(url));
    expect(await link.nextRound()).toEqual({ round: 1, trial: null });
    const ready = link.readyFor(1);
    await server!.close();
    const beforeMs = Date.now();
    expect(await ready).toBeGreaterThanOrEqual(beforeMs - 1000);
    expect(link.stop.aborted).toBe(true);
    expect(String(link.stop.reason)).toMatch(/^the coordinator went away before the start/);
    server = undefined;
  });

  it('refuses a coordinator that cannot prove it holds the run token', async () => {
    const url = await handWrittenCoordinator(
      (join) =>
        `${JSON.stringify({ type: 'accepted', proof: proofFor('another-token-0123456789', join.nonce, 'coordinator'), runId: 'r1', preflightDone: true })}\n`,
    );
    const joining = CoordinatorLink.join(joinAt(url));
    await expect(joining).rejects.toThrow(UserError);
    await expect(joining).rejects.toThrow(/does not hold this run's token: not the coordinator of this run/);
  });

  it('says what a server that is not a coordinator answered', async () => {
    server = await startTestServer((_req, res) => res.writeHead(404).end());
    await expect(CoordinatorLink.join({ ...joinAt(server.url), readyTimeoutMs: 1000 })).rejects.toThrow(
      /cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+ \(HTTP 404\)/,
    );
    expect(JOIN_PATH).toBe('/v2/shards');
  });
});
