// Conversations against a local HTTPS provider that counts connections, TLS handshakes and each
// request's connection, arrival time and auth_id itself: what the result claims is held against it.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readRunResult } from '../fixtures/cliScenario.ts';
import { startConnectionLog } from '../fixtures/connectionLog.ts';
import type { LoggedRequest } from '../fixtures/connectionLog.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { tempDir } from '../fixtures/tempFiles.ts';
import { makeTestCertificates } from '../fixtures/tlsCertificates.ts';

const env = { HAPTIK_TOKEN: 'conversation-token', HAPTIK_CLIENT_ID: 'conversation-client' };
const USERS = 200;
const THINK_MS = 500;

let certificates: ReturnType<typeof makeTestCertificates>;
beforeAll(() => {
  certificates = makeTestCertificates();
});
afterAll(() => certificates.cleanup());

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
  files.write('users.csv', `auth_id\n${Array.from({ length: USERS }, (_, i) => `user${String(i).padStart(3, '0')}`).join('\n')}\n`);
});
afterEach(() => files.cleanup());

/** A scenario with one conversations phase against `url`, its CA trusted. */
function scenario(url: string, phase: string): string {
  return files.write(
    'scenario.yml',
    `name: chats
seed: 5
target: { url: ${url}, token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}", ca: ${certificates.caFile}, timeout: 5s }
users: { file: users.csv, order: sequence }
messages: { inline: [hello, how are you, thanks] }
phases:
  - name: chats
${phase}
`,
  );
}

async function load(scenarioFile: string, out: string, ...extra: string[]) {
  const run = await runCliProcess(['load', scenarioFile, '--no-preflight', '--out', join(files.dir, out), ...extra], { env, timeoutMs: 60_000 });
  expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  return { run, result: readRunResult(join(files.dir, out)) };
}

/** The most first messages of conversations that arrived within one second, from the first. */
function busiestSecond(firstArrivalsMs: readonly number[]): number {
  const startMs = Math.min(...firstArrivalsMs);
  const perSecond = new Map<number, number>();
  for (const ms of firstArrivalsMs) perSecond.set(Math.floor((ms - startMs) / 1000), (perSecond.get(Math.floor((ms - startMs) / 1000)) ?? 0) + 1);
  return Math.max(...perSecond.values());
}

function expectConversationsOnOwnConnections(bySocket: Map<number, LoggedRequest[]>, conversations: number, messages: number): void {
  expect(bySocket.size).toBe(conversations);
  const users = new Set<string>();
  for (const requests of bySocket.values()) {
    expect(requests).toHaveLength(messages);
    // One user per conversation, every message of it carrying that user's auth_id.
    expect(new Set(requests.map((r) => r.authId)).size).toBe(1);
    users.add(requests[0]!.authId);
    for (let i = 1; i < requests.length; i++) {
      // The next message leaves a think time after the previous answer reached the client: the
      // server sees the gap from its answer to the next request, plus the wire both ways (tiny here).
      // Both of the server's timestamps are taken by its callbacks, which a busy test process runs
      // late: test files share the 2 cores, and an answer's 'finish' was seen 22 ms late, a
      // generator's timer 170 ms late, a gap 265 ms long with four files side by side. 50 ms of
      // slack below and 350 ms above still tell a think time (500 ms) from none (0) and from one
      // taken twice (1000 ms).
      const gapMs = requests[i]!.arrivedMs - requests[i - 1]!.answeredMs;
      expect(gapMs).toBeGreaterThanOrEqual(THINK_MS - 50);
      expect(gapMs).toBeLessThan(THINK_MS + 350);
    }
  }
  expect(users.size).toBe(conversations);
}

describe('conversations over their own TLS connections', () => {
  const phase = `    duration: 2s
    conversations: { rate: 20, messages: 3, thinkTime: ${THINK_MS}ms, connection: own }`;

  it('give N connections, N handshakes and k messages of one user each, as the server counts them', async () => {
    const server = await startConnectionLog(certificates);
    try {
      const { run, result } = await load(scenario(server.url, phase), 'own');
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      // 20/s for 2 s: 40 conversations of 3 messages.
      expect(server.counts).toEqual({ connections: 40, handshakes: 40, resumed: 0 });
      expect(server.requests).toHaveLength(120);
      expectConversationsOnOwnConnections(server.bySocket(), 40, 3);
      expect(busiestSecond([...server.bySocket().values()].map((requests) => requests[0]!.arrivedMs))).toBeLessThanOrEqual(30);

      const connections = result.overall.connections!;
      expect(connections.opened).toBe(server.counts.connections);
      expect(connections.resumed).toBe(0);
      expect(connections.requestsPerConnection).toBe(3);
      // A handshake on loopback takes well under a second, and more than nothing.
      expect(connections.tlsHandshakeMs!.p50).toBeGreaterThan(0);
      expect(connections.tlsHandshakeMs!.p99).toBeLessThan(1000);
      expect(result.phases[0]!.conversations).toMatchObject({ started: 40, completed: 40, abandoned: 0, cut: 0, messagesPerConversation: 3 });
      // From the first message's due time to the last answer: two think times and three answers.
      expect(result.phases[0]!.conversations!.durationMs!.p50).toBeGreaterThanOrEqual(2 * THINK_MS);
      expect(result.phases[0]!.conversations!.durationMs!.p50).toBeLessThan(2 * THINK_MS + 300);
      expect(result.timeline.reduce((sum, second) => sum + second.connectionsOpened, 0)).toBe(40);
      expect(run.stdout).toMatch(/conversations chats: 40 started, 40 completed, 0 abandoned, 0 cut; 3\.0 messages each/);
    } finally {
      await server.close();
    }
  });

  it('split over two workers, are the same conversations as in one process', async () => {
    const server = await startConnectionLog(certificates);
    try {
      const { run, result } = await load(scenario(server.url, phase), 'workers', '--workers', '2');
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(server.counts).toEqual({ connections: 40, handshakes: 40, resumed: 0 });
      expectConversationsOnOwnConnections(server.bySocket(), 40, 3);
      // Striped by index, each conversation with the user it has in one process: users 0..39.
      expect(new Set(server.requests.map((r) => r.authId))).toEqual(new Set(Array.from({ length: 40 }, (_, i) => `user${String(i).padStart(3, '0')}`)));
      expect(result.overall.connections!.opened).toBe(40);
      expect(result.overall.requests.sent).toBe(120);
      expect(result.phases[0]!.conversations).toMatchObject({ started: 40, completed: 40 });
      expect(result.generators?.rows).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('with tlsResume, offer the last session: the server resumes as many as the result says', async () => {
    const server = await startConnectionLog(certificates);
    try {
      const { run, result } = await load(scenario(server.url, phase.replace('connection: own', 'connection: own, tlsResume: true')), 'resume');
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(server.counts.handshakes).toBe(40);
      // The first connection has no session to offer; once one came back, the next ones resume it.
      expect(server.counts.resumed).toBeGreaterThan(30);
      expect(result.overall.connections!.resumed).toBe(server.counts.resumed);
      expect(run.stdout).toMatch(new RegExp(`${server.counts.resumed} TLS sessions resumed`));
    } finally {
      await server.close();
    }
  });
});

describe('conversations on the shared pool', () => {
  it('reuse its connections: fewer than conversations, every one counted', async () => {
    const server = await startConnectionLog(certificates);
    try {
      const { run, result } = await load(
        scenario(
          server.url,
          `    duration: 2s\n    maxConnections: 4\n    conversations: { rate: 20, messages: 3, thinkTime: ${THINK_MS}ms, connection: pool }`,
        ),
        'pool',
      );
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(server.counts.connections).toBeLessThanOrEqual(4);
      expect(server.requests).toHaveLength(120);
      expect(result.overall.connections!.opened).toBe(server.counts.connections);
      // Each user still sends all three of its messages, whatever connection carries them.
      const perUser = new Map<string, number>();
      for (const request of server.requests) perUser.set(request.authId, (perUser.get(request.authId) ?? 0) + 1);
      expect([...perUser.values()].every((count) => count === 3)).toBe(true);
      expect(perUser.size).toBe(40);
    } finally {
      await server.close();
    }
  });
});

describe('conversations that cannot go on', () => {
  it('abandon after a failed message with onError: abandon, and go on with continue', async () => {
    // user001 and user002 are refused (500): the second and third conversations.
    const refused = new Set(['user001', 'user002']);
    const server = await startConnectionLog(certificates, (authId) => (refused.has(authId) ? 500 : undefined));
    try {
      const phase = (onError: string) => `    duration: 500ms\n    conversations: { rate: 10, messages: 3, thinkTime: 50ms, onError: ${onError} }`;
      const abandon = await load(scenario(server.url, phase('abandon')), 'abandon');
      expect(abandon.result.phases[0]!.conversations).toMatchObject({ started: 5, completed: 3, abandoned: 2, cut: 0 });
      expect(server.requests.filter((r) => refused.has(r.authId))).toHaveLength(2);
      expect(server.requests).toHaveLength(3 * 3 + 2);

      server.requests.length = 0;
      const go = await load(scenario(server.url, phase('continue')), 'continue');
      expect(go.result.phases[0]!.conversations).toMatchObject({ started: 5, completed: 5, abandoned: 0 });
      expect(server.requests.filter((r) => refused.has(r.authId))).toHaveLength(6);
      // The refused answers are errors either way.
      expect(go.result.overall.errors.http).toEqual({ '500': 6 });
    } finally {
      await server.close();
    }
  });

  it('are cut at gracefulStop, and the run ends there instead of waiting for them', async () => {
    const server = await startConnectionLog(certificates);
    try {
      const started = Date.now();
      const { result } = await load(
        scenario(server.url, '    duration: 1s\n    conversations: { rate: 5, messages: 3, thinkTime: 5s, gracefulStop: 1s }'),
        'cut',
      );
      // Each sent its first message; the second would fall due 5 s later, past the 1 s grace.
      expect(result.phases[0]!.conversations).toMatchObject({ started: 5, completed: 0, cut: 5, messagesPerConversation: 1 });
      expect(server.requests).toHaveLength(5);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await server.close();
    }
  });
});

describe('the built-in mock over TLS (mock.tls)', () => {
  it('serves HTTPS with a certificate made for the run, which the run verifies: every own connection a full handshake', async () => {
    const file = files.write(
      'scenario.yml',
      `name: launch-small
target: { url: mock }
users: { file: users.csv, order: sequence }
messages: { inline: [hello] }
phases:
  - name: chats
    duration: 1s
    conversations: { rate: 20, messages: 2, thinkTime: 50ms }
thresholds:
  - tlsHandshake.p99 < 5s
mock: { tls: true, registerAll: true }
`,
    );
    const { run, result } = await load(file, 'mock-tls', '--workers', '2');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(result.target.url).toMatch(/^mock \(https:\/\/127\.0\.0\.1:\d+\)$/);
    expect(result.target.tlsVerified).toBe(true);
    expect(result.target.trustStore).toBe("the built-in mock's certificate, made for this run");
    expect(result.phases[0]!.conversations).toMatchObject({ started: 20, completed: 20 });
    expect(result.overall.connections).toMatchObject({ opened: 20, resumed: 0, requestsPerConnection: 2 });
    expect(result.overall.connections!.tlsHandshakeMs!.p50).toBeGreaterThan(0);
    expect(result.thresholds[0]).toMatchObject({ expr: 'tlsHandshake.p99 < 5s', passed: true, unit: 'ms' });
    // The mock's own count of what it answered: the same 40 messages.
    expect(result.serverSide?.statusCounts).toEqual({ '200': 40 });
  });
});

describe('conversations under a low ulimit -n', () => {
  it('start no more than the descriptors allow, count the rest as not started, and name ulimit -n', async () => {
    const server = await startConnectionLog(certificates);
    try {
      // 600 conversations due within 2 s, each open 4 s (its think time), in a process that may open 512 files.
      const file = scenario(server.url, '    duration: 2s\n    conversations: { rate: 300, messages: 2, thinkTime: 4s }');
      const run = await runCliProcess(['load', file, '--no-preflight', '--out', join(files.dir, 'limited')], { env, openFileLimit: 512, timeoutMs: 60_000 });
      expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
      const result = readRunResult(join(files.dir, 'limited'));
      const conversations = result.phases[0]!.conversations!;
      // 512 less the 256 kept for everything else: 256 at once; the rest due meanwhile not started.
      expect(conversations.started).toBe(256);
      expect(conversations.notStarted.connectionLimit).toBe(600 - 256);
      expect(server.counts.connections).toBe(256);
      expect(result.overall.errors.localLimit).toBe(0);
      expect(run.stdout).toContain('344 not started (344 at the connection limit: maxConnections or ulimit -n)');
    } finally {
      await server.close();
    }
  });
});
