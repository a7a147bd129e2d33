import { fork } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { ExitCode, UserError } from '../errors.ts';
import type { MockBehaviour } from './behaviour.ts';
import { mockStatsSchema } from './stats.ts';
import type { RunCertificate } from './runCertificate.ts';
import type { MockStats } from './stats.ts';
import { childEntry } from '../util/childEntry.ts';

/** What the mock process is started with. */
export interface MockChildConfig {
  credentials: { token: string; clientId: string };
  usersFile?: string;
  behaviour: MockBehaviour;
  /** See MockServerOptions.messageIdBlock. */
  messageIdBlock?: number;
  /** Serve HTTPS with this certificate (made by the parent, which trusts it). */
  tls?: RunCertificate;
}

/** Messages from the mock process. */
export type MockChildMessage =
  | { type: 'listening'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'stats'; id: number; stats: unknown }
  | { type: 'statsReset'; id: number };

/** Questions to the mock process once it listens (over IPC: an HTTPS mock's certificate is trusted by the run, not by fetch). */
export type MockParentMessage = { type: 'stats'; id: number } | { type: 'resetStats'; id: number };

/** A mock running in its own process. */
export interface MockProcess {
  readonly url: string;
  /** The child's process id (benchmarks pin it to a core). */
  readonly pid: number;
  /** The certificate it serves HTTPS with (PEM), which the run trusts; undefined for plain HTTP. */
  readonly certificatePem: string | undefined;
  stats(): Promise<MockStats>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
  /** Set once the process ended, with how: `exit code 1`, `signal SIGKILL`. */
  readonly endedHow: string | undefined;
  /** Calls `listener` when the process ends before `stop()` was asked for. */
  onUnexpectedExit(listener: (how: string) => void): void;
}

const CHILD_ENTRY = childEntry(new URL('./childMain.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;
/** On top of that, time to read the users file: the mock parses every row before it listens. */
const START_TIMEOUT_MS_PER_MIB = 1_000;

/**
 * Starts the mock in a child process on a free 127.0.0.1 port. The child dies with its parent
 * (IPC disconnect) and is killed on the parent's exit, so it is never left behind. `interrupt`
 * (Ctrl-C) stops a start in progress at once: the child is killed and the start rejects (exit 130).
 */
export async function startMockProcess(config: MockChildConfig, options: { interrupt?: AbortSignal } = {}): Promise<MockProcess> {
  const usersMib = config.usersFile ? (await stat(config.usersFile)).size / (1024 * 1024) : 0;
  const startTimeoutMs = START_TIMEOUT_MS + Math.ceil(usersMib) * START_TIMEOUT_MS_PER_MIB;
  const { interrupt } = options;
  if (interrupt?.aborted) throw new UserError('interrupted before the load started', { exitCode: ExitCode.interrupted });
  const child = fork(CHILD_ENTRY.file, [], { execArgv: CHILD_ENTRY.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const fail = (error: UserError) => {
      settle();
      child.kill('SIGKILL');
      reject(error);
    };
    const onInterrupt = () => fail(new UserError('interrupted while the built-in mock was starting; no load was sent', { exitCode: ExitCode.interrupted }));
    const timer = setTimeout(() => {
      const reading = config.usersFile ? ` (it reads every row of ${config.usersFile}, ${usersMib.toFixed(0)} MiB, first)` : '';
      fail(new UserError(`the built-in mock did not start within ${startTimeoutMs / 1000} s${reading}`, { exitCode: ExitCode.targetNotUsable }));
    }, startTimeoutMs);
    const settle = () => {
      clearTimeout(timer);
      interrupt?.removeEventListener('abort', onInterrupt);
    };
    interrupt?.addEventListener('abort', onInterrupt, { once: true });
    child.once('message', (message: MockChildMessage) => {
      settle();
      if (message.type === 'listening') resolve(message.url);
      else if (message.type === 'failed') reject(new UserError(`the built-in mock could not start: ${message.message}`, { exitCode: ExitCode.badInput }));
    });
    child.once('exit', (code, signal) => {
      settle();
      reject(
        new UserError(`the built-in mock stopped (${signal ? `signal ${signal}` : `exit code ${code}`}) before it listened`, {
          exitCode: ExitCode.targetNotUsable,
        }),
      );
    });
    child.send(config);
  });

  // Answers to questions, by question id; a mock that ends leaves every question failed.
  let questions = 0;
  const waiting = new Map<number, { resolve(answer: MockChildMessage): void; reject(error: Error): void }>();
  child.on('message', (message: MockChildMessage) => {
    if ((message.type === 'stats' || message.type === 'statsReset') && waiting.has(message.id)) {
      waiting.get(message.id)!.resolve(message);
      waiting.delete(message.id);
    }
  });
  child.once('exit', () => {
    for (const question of waiting.values()) question.reject(new Error('the built-in mock stopped'));
    waiting.clear();
  });
  const ask = (question: MockParentMessage) =>
    new Promise<MockChildMessage>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return reject(new Error('the built-in mock stopped'));
      waiting.set(question.id, { resolve, reject });
      child.send(question);
    });

  let endedHow: string | undefined;
  let stopping = false;
  const unexpectedExitListeners: ((how: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    endedHow = signal ? `signal ${signal}` : `exit code ${code}`;
    if (!stopping) for (const listener of unexpectedExitListeners) listener(endedHow);
  });
  return {
    url,
    pid: child.pid!,
    certificatePem: config.tls?.certPem,
    get endedHow() {
      return endedHow;
    },
    onUnexpectedExit(listener) {
      unexpectedExitListeners.push(listener);
    },
    async stats() {
      const answer = await ask({ type: 'stats', id: ++questions });
      return mockStatsSchema.parse(answer.type === 'stats' ? answer.stats : undefined);
    },
    async resetStats() {
      await ask({ type: 'resetStats', id: ++questions });
    },
    async stop() {
      stopping = true;
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        // It stops when the channel closes (it ignores signals meant for the group).
        child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
