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

/** A coordinator that challenges, reads the join, and answers with `answer(join)` written at once. */
async function handWrittenCoordinator(answer: (join: { nonce: string }) => string): Promise<string> {
  server = await startTestServer((req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(`${JSON.stringify({ type: 'challenge', nonce: NONCE })}\n`);
    let buffered = '';
    let answered = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      buffered += chunk;
      const line = buffered.split('\n').find((text) => text.includes('"join"'));
      // Once: the shard's pings come on the same stream later.
      if (line && !answered) res.write(answer(JSON.parse(line) as { nonce: string }));
      answered ||= line !== undefined;
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
  it('hears a start that arrives in the same read as its acceptance', async () => {
    const url = await handWrittenCoordinator(
      (join) =>
        `${JSON.stringify({ type: 'accepted', proof: proofFor(TOKEN, join.nonce, 'coordinator'), runId: 'r1', preflightDone: true })}\n` +
        `${JSON.stringify({ type: 'start', round: 1, startAtEpochMs: 1234, trial: null })}\n`,
    );
    const link = await CoordinatorLink.join(joinAt(url));
    expect(link.runId).toBe('r1');
    // Nothing else comes: the start must be the one that came with the acceptance.
    const next = await Promise.race([link.nextRound(), new Promise((resolve) => setTimeout(() => resolve('nothing within 3 s'), 3000))]);
    expect(next).toEqual({ round: 1, startAtEpochMs: 1234, trial: null });
    await link.close();
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
    expect(JOIN_PATH).toBe('/v1/shards');
  });
});
