import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The message every bench request carries (the canned responder echoes exactly this text). */
export const BENCH_MESSAGE = 'Hi, I need help with my order';

/** A scratch folder for bench scenarios and results, with a small users CSV in it. */
export async function benchWorkDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-bench-'));
  await writeFile(join(dir, 'users.csv'), `auth_id\n${Array.from({ length: 200 }, (_, i) => `benchUser${i + 1}`).join('\n')}\n`);
  return dir;
}

/** A scenario against `url` with the given phase lines (YAML flow mappings), contract checks on unless told. */
export function benchScenario(options: {
  name: string;
  url: string;
  phases: string[];
  usersFile?: string;
  contract?: boolean;
  maxConnections?: number;
}): string {
  return [
    `name: ${options.name}`,
    `target: { url: "${options.url}", token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}", maxConnections: ${options.maxConnections ?? 256} }`,
    `users: { file: ${options.usersFile ?? 'users.csv'}, order: sequence }`,
    `messages: { inline: ["${BENCH_MESSAGE}"] }`,
    'phases:',
    ...options.phases.map((phase) => `  - ${phase}`),
    ...(options.contract === false ? ['contract: false'] : []),
    '',
  ].join('\n');
}
