import { execFile, fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStoredResult } from '../report/readResult.ts';
import type { RunResult } from '../report/resultModel.ts';
import type { BenchServerMode, BenchServerReport } from './benchServer.ts';

const BENCH_SERVER = fileURLToPath(new URL('./benchServer.ts', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const AUTOCANNON_CLI = join(createRequire(import.meta.url).resolve('autocannon/package.json'), '..', 'autocannon.js');

/** Cores the bench pins processes to: load generators on one, targets on the other. */
export const GENERATOR_CORE = 0;
export const TARGET_CORE = 1;
let pinning: Promise<boolean> | undefined;

/**
 * Pins a process (all its threads) to one core with taskset, so a generator and its target do not
 * fight over the same core and runs compare like with like. Without taskset (or with one core)
 * nothing is pinned; `pinningAvailable()` says which.
 */
export async function pinTo(pid: number | undefined, core: number): Promise<void> {
  if (pid === undefined || !(await pinningAvailable())) return;
  await execFileText('taskset', ['-a', '-p', '-c', String(core), String(pid)]).catch(() => undefined);
}

/** Pins a process (and the workers it will start) to a set of cores. */
export async function pinToCores(pid: number | undefined, cores: readonly number[]): Promise<void> {
  if (pid === undefined || !(await pinningAvailable())) return;
  await execFileText('taskset', ['-a', '-p', '-c', cores.join(','), String(pid)]).catch(() => undefined);
}

/** Every core but the targets': where generators may spread (the generator core alone on 2 cores). */
export function generatorCores(): number[] {
  const cores = Array.from({ length: availableParallelism() }, (_, core) => core).filter((core) => core !== TARGET_CORE);
  return cores.length > 0 ? cores : [GENERATOR_CORE];
}

export function pinningAvailable(): Promise<boolean> {
  pinning ??= availableParallelism() < 2 ? Promise.resolve(false) : hasCommand('taskset');
  return pinning;
}

/** A bench target running in its own process. */
export interface BenchServer {
  url: string;
  /** Its process, whose CPU use the rows record. */
  pid: number | undefined;
  report(): Promise<BenchServerReport>;
  reset(): Promise<void>;
  stop(): void;
}

function nextMessage<T>(child: ChildProcess, kind: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { kind: string } & T) => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`bench process exited (${code}) before "${kind}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Starts a bench server (canned, delay or stall) on 127.0.0.1 in its own process. */
export async function startBenchServer(mode: BenchServerMode): Promise<BenchServer> {
  const child = fork(BENCH_SERVER, [JSON.stringify(mode)], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await nextMessage<{ port: number }>(child, 'listening');
  await pinTo(child.pid, TARGET_CORE);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    report: async () => {
      const reply = nextMessage<{ report: BenchServerReport }>(child, 'report');
      child.send({ kind: 'report' });
      return (await reply).report;
    },
    reset: async () => {
      const reply = nextMessage(child, 'reset');
      child.send({ kind: 'reset' });
      await reply;
    },
    stop: () => child.kill(),
  };
}

/** A finished harness run: its result, how long the command took, and its memory over time. */
export interface HarnessRun {
  result: RunResult;
  startedAtEpochMs: number;
  wallMs: number;
  /** Resident set size sampled every RSS_SAMPLE_MS, in MB. */
  rssMbSamples: number[];
  peakRssMb: number;
  /** CPU seconds (user + system) of the harness and every process it started and waited for, start-up included. */
  cpuSec: number;
  /** The same, in user space and in the kernel. */
  cpuUserSec: number;
  cpuSystemSec: number;
}

/** How often a harness run's resident set size is sampled. */
export const RSS_SAMPLE_MS = 500;

/** CPU seconds of this process's finished children (and theirs, when waited for): cutime and cstime of /proc/self/stat. */
export async function childrenCpu(): Promise<{ userSec: number; systemSec: number }> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 (cutime, cstime) counted from 1; here from field 3. USER_HZ is 100.
  return { userSec: Number(fields[13]) / 100, systemSec: Number(fields[14]) / 100 };
}

/**
 * Runs `harness load <scenario>` as a user would (its own Node process, via tsx, no npm), writing
 * its results into `outDir`; samples the process's RSS from /proc while it runs.
 */
export async function runHarness(
  scenarioYaml: string,
  workDir: string,
  name: string,
  /** `wrap`: a command the harness runs under (strace -c). */
  options: { pin?: boolean; pinCores?: readonly number[]; args?: string[]; wrap?: readonly string[] } = {},
): Promise<HarnessRun> {
  const scenarioFile = join(workDir, `${name}.yml`);
  const outDir = join(workDir, `${name}-out`);
  await writeFile(scenarioFile, scenarioYaml);
  const startedAtEpochMs = Date.now();
  const cpuBefore = await childrenCpu();
  // Repeated runs of a row reuse their scratch folder: --force, as a run may not replace another otherwise.
  const command = [
    process.execPath,
    '--import',
    import.meta.resolve('tsx'),
    CLI_ENTRY,
    'load',
    scenarioFile,
    '--out',
    outDir,
    '--force',
    '--quiet',
    ...(options.args ?? []),
  ];
  const wrapped = [...(options.wrap ?? []), ...command];
  const child = spawn(wrapped[0]!, wrapped.slice(1), {
    env: { ...process.env, HAPTIK_TOKEN: 'mock-token', HAPTIK_CLIENT_ID: 'mock-client', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (options.pinCores) await pinToCores(child.pid, options.pinCores);
  else if (options.pin !== false) await pinTo(child.pid, GENERATOR_CORE);
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const rssMbSamples: number[] = [];
  let peakRssMb = 0;
  const sampler = setInterval(async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    if (rss) rssMbSamples.push(Number(rss[1]) / 1024);
    if (hwm) peakRssMb = Math.max(peakRssMb, Number(hwm[1]) / 1024);
  }, RSS_SAMPLE_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const wallMs = Date.now() - startedAtEpochMs;
  const cpuAfter = await childrenCpu();
  const cpuUserSec = cpuAfter.userSec - cpuBefore.userSec;
  const cpuSystemSec = cpuAfter.systemSec - cpuBefore.systemSec;
  if (exitCode !== 0 && exitCode !== 1) throw new Error(`harness run "${name}" exited ${exitCode}: ${stderr.trim()}`);
  const resultFile = join(outDir, 'result.json');
  return {
    result: parseStoredResult(await readFile(resultFile, 'utf8'), resultFile),
    startedAtEpochMs,
    wallMs,
    rssMbSamples,
    peakRssMb,
    cpuSec: cpuUserSec + cpuSystemSec,
    cpuUserSec,
    cpuSystemSec,
  };
}

/** autocannon's own CLI (not the harness): its JSON summary. */
export async function runAutocannonCli(args: string[]): Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number };
  non2xx: number;
  errors: number;
  duration: number;
}> {
  const { stdout } = await execFileText(process.execPath, [AUTOCANNON_CLI, '--json', ...args], { pinCore: GENERATOR_CORE });
  return JSON.parse(stdout);
}

/** Whether a command is on PATH (wrk and hey come from apt and may be missing). */
export async function hasCommand(command: string): Promise<boolean> {
  return execFileText('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

/** Runs a command and returns its output; rejects on a non-zero exit. */
export function execFileText(
  command: string,
  args: string[],
  options: { timeoutMs?: number; pinCore?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve({ stdout, stderr });
    });
    if (options.pinCore !== undefined) void pinTo(child.pid, options.pinCore);
  });
}
