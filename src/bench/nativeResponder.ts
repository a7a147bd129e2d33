// The generator rows' target: the C responder (native/responder.c), compiled on first use with the
// machine's C compiler, which costs a fraction of what the Node raw responder (rawResponder.ts)
// costs per request, so a closed run measures the generator, not its target. Without a compiler
// the Node raw responder stands in and every row says which target it ran against.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TARGET_CORE, execFileText, hasCommand, pinTo, startBenchServer } from './processes.ts';
import type { BenchServer } from './processes.ts';

const SOURCE = fileURLToPath(new URL('./native/responder.c', import.meta.url));
const START_TIMEOUT_MS = 5_000;

/** A raw target for the generator rows, and which one it is (rows name it). */
export interface RawTarget extends BenchServer {
  name: 'C responder' | 'Node raw responder';
}

/** Compiles the C responder into `dir` (once per folder); undefined without a C compiler. */
export async function buildNativeResponder(dir: string): Promise<string | undefined> {
  const binary = join(dir, 'responder');
  if (existsSync(binary)) return binary;
  if (!(await hasCommand('cc'))) return undefined;
  await execFileText('cc', ['-O2', '-o', binary, SOURCE]);
  return binary;
}

/** Starts the C responder on 127.0.0.1 (a free port), pinned to the target core. */
export async function startNativeResponder(binary: string): Promise<BenchServer> {
  const child = spawn(binary, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the C responder did not report its port within 5 s')), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`the C responder exited (${code}) before listening`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(Number(line));
    });
  });
  lines.close();
  child.stdout.resume();
  await pinTo(child.pid, TARGET_CORE);
  const unsupported = () => Promise.reject(new Error('bug: the C responder records no arrivals; use a node:http bench server'));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, report: unsupported, reset: unsupported, stop: () => child.kill() };
}

/** The lightest target this machine can run: the C responder, else the Node raw responder. */
export async function startRawTarget(workDir: string): Promise<RawTarget> {
  const binary = await buildNativeResponder(workDir);
  if (binary === undefined) return { ...(await startBenchServer({ kind: 'raw' })), name: 'Node raw responder' };
  return { ...(await startNativeResponder(binary)), name: 'C responder' };
}
