// A coordinator and its shards as real CLI processes on 127.0.0.1 (coordinate*.test.ts).
import { join } from 'node:path';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import type { CliProcessResult } from '../fixtures/runCliProcess.ts';

/** The run token every coordinated test run shares (the coordinator and its shards). */
export const RUN_TOKEN = 'test-run-token-0123456789abcdef';
export const COORDINATED_ENV = { HAPTIK_TOKEN: 'token', HAPTIK_CLIENT_ID: 'client', HARNESS_RUN_TOKEN: RUN_TOKEN };
const ENV = COORDINATED_ENV;

/** A shard's run: the process outcome and the shard.json it kept. */
export interface ShardRun {
  run: CliProcessResult;
  dir: string;
}

/**
 * `coordinate` for `shards` shards (runs kept under `dir`) on a free port, and each shard started `delaysMs[i]` after the
 * coordinator listens; `kill` gets each shard's way to signal it once it runs.
 */
export async function coordinated(
  dir: string,
  file: string,
  out: string,
  options: {
    shards: number;
    delaysMs: number[];
    coordinatorArgs?: string[];
    /** More flags for shard i (e.g. --workers). */
    shardArgs?: (index: number) => string[];
    /** More environment for shard i. */
    shardEnv?: (index: number) => Record<string, string>;
    /** Hears the coordinator's output, with a way to signal each shard started so far, and the coordinator. */
    onCoordinatorStdout?: (text: string, shardKills: ((signal: NodeJS.Signals) => void)[], killCoordinator: (signal: NodeJS.Signals) => void) => void;
  },
): Promise<{ coordinator: CliProcessResult; shards: ShardRun[]; url: string }> {
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => (listening = resolve));
  const kills: ((signal: NodeJS.Signals) => void)[] = [];
  const coordinator = runCliProcess(
    ['coordinate', file, '--shards', String(options.shards), '--port', '0', '--out', join(dir, out), ...(options.coordinatorArgs ?? [])],
    {
      env: ENV,
      timeoutMs: 90_000,
      onStdout: (text, kill) => {
        const match = /at (http:\/\/127\.0\.0\.1:\d+)\/?;/.exec(text);
        if (match) listening(match[1]!);
        options.onCoordinatorStdout?.(text, kills, kill);
      },
    },
  );
  const address = await Promise.race([url, coordinator.then((run) => Promise.reject(new Error(`the coordinator ended: ${run.stdout}${run.stderr}`)))]);
  const shards = await Promise.all(
    options.delaysMs.map(async (delayMs, i) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const shardDir = join(dir, `${out}-shard${i}`);
      const run = await runCliProcess(
        ['load', file, '--shard', `${i}/${options.shards}`, '--coordinator', address, '--out', shardDir, '--quiet', ...(options.shardArgs?.(i) ?? [])],
        {
          env: { ...ENV, ...options.shardEnv?.(i) },
          timeoutMs: 90_000,
          onStart: (kill) => (kills[i] = kill),
        },
      );
      return { run, dir: shardDir };
    }),
  );
  return { coordinator: await coordinator, shards, url: address };
}
