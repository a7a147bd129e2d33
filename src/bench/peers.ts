import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOG_MESSAGE_PATH } from '../client/schema.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../mock/credentials.ts';
import { GENERATOR_CORE, execFileText, runAutocannonCli } from './processes.ts';
import { BENCH_MESSAGE } from './scenarios.ts';

/** The fixed request peers send: the body and headers the harness sends for a bench user. */
export const PEER_BODY = JSON.stringify({ user: { auth_id: 'benchUser1' }, message_body: BENCH_MESSAGE, message_type: 0, business_id: 343 });
export const PEER_HEADERS: Record<string, string> = {
  authorization: `Bearer ${MOCK_DEFAULT_CREDENTIALS.token}`,
  'client-id': MOCK_DEFAULT_CREDENTIALS.clientId,
  'content-type': 'application/json',
};

/** Closed-model req/s of autocannon's own CLI with a fixed body (its default mode). */
export async function autocannonThroughput(baseUrl: string, connections: number, durationSec: number): Promise<number> {
  const result = await runAutocannonCli([...autocannonArgs(), '-c', String(connections), '-d', String(durationSec), baseUrl + LOG_MESSAGE_PATH]);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.total / result.duration;
}

/** autocannon's fixed request as CLI flags. */
export function autocannonArgs(): string[] {
  return ['-m', 'POST', '-b', PEER_BODY, ...Object.entries(PEER_HEADERS).flatMap(([name, value]) => ['-H', `${name}=${value}`])];
}

/** wrk (one thread, like the harness) with a Lua script setting the same request; req/s. */
export async function wrkThroughput(workDir: string, baseUrl: string, connections: number, durationSec: number): Promise<number> {
  return (await wrkRun(workDir, baseUrl, connections, durationSec)).perSec;
}

/** A wrk run (under `wrap`, e.g. strace -c, when given): its rate and how many requests it completed. */
export async function wrkRun(
  workDir: string,
  baseUrl: string,
  connections: number,
  durationSec: number,
  wrap: readonly string[] = [],
): Promise<{ perSec: number; requests: number }> {
  const script = join(workDir, 'post.lua');
  await writeFile(
    script,
    [
      `wrk.method = "POST"`,
      `wrk.body = ${JSON.stringify(PEER_BODY)}`,
      ...Object.entries(PEER_HEADERS).map(([name, value]) => `wrk.headers["${name}"] = "${value}"`),
      '',
    ].join('\n'),
  );
  const command = [...wrap, 'wrk', '-t1', `-c${connections}`, `-d${durationSec}s`, '-s', script, baseUrl + LOG_MESSAGE_PATH];
  const { stdout } = await execFileText(command[0]!, command.slice(1), { pinCore: GENERATOR_CORE });
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const requests = /(\d+) requests in/.exec(stdout);
  if (!rate || !requests || /Non-2xx/.test(stdout)) throw new Error(`wrk: unexpected output:\n${stdout}`);
  return { perSec: Number(rate[1]), requests: Number(requests[1]) };
}

/** hey with the same request; req/s. */
export async function heyThroughput(baseUrl: string, connections: number, durationSec: number): Promise<number> {
  const headers = Object.entries(PEER_HEADERS).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const { stdout } = await execFileText(
    'hey',
    ['-z', `${durationSec}s`, '-c', String(connections), '-m', 'POST', ...headers, '-d', PEER_BODY, baseUrl + LOG_MESSAGE_PATH],
    { pinCore: GENERATOR_CORE },
  );
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!rate) throw new Error(`hey: unexpected output:\n${stdout}`);
  return Number(rate[1]);
}
