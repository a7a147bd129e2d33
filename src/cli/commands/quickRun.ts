// A quick run: one open-model phase from flags, without a scenario file (as `artillery quick`
// or autocannon's flags): the scenario it makes is printed, so it can be saved and run again.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, UserError } from '../../errors.ts';
import { parseDurationMs } from '../../util/duration.ts';
import { parseTargetOption } from './targetOption.ts';

export interface QuickArgs {
  url?: string;
  rate?: number;
  duration?: string;
  users?: string;
}

const SHIPPED_DATA = fileURLToPath(new URL('../../../scenarios/data/', import.meta.url));

/** The scenario of a quick run, as YAML, from flags already checked. */
export function quickScenarioText(url: string, ratePerSec: number, duration: string, usersFile: string): string {
  const users = usersFile ? ` --users ${usersFile}` : '';
  return `# The quick run of: npm run load -- --url ${url} --rate ${ratePerSec} --duration ${duration}${users}
# Save this as a file to run it again (npm run load -- FILE), or to grow it (docs/load-runs.md).
name: quick
target: { url: ${JSON.stringify(url)}, token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}" }
users: { file: ${JSON.stringify(resolve(usersFile || join(SHIPPED_DATA, 'users.csv')))}, order: sequence }
messages: { file: ${JSON.stringify(join(SHIPPED_DATA, 'messages.csv'))}, order: random }
phases:
  - { name: quick, duration: ${duration}, rate: ${ratePerSec} }
`;
}

/**
 * With `--url`, writes the quick run's scenario to a temporary file (removed by `cleanup`) and
 * returns it; undefined without. Quick flags beside a scenario, or a quick run missing one, are exit 2.
 */
export async function quickScenario(args: QuickArgs, scenarioGiven: boolean): Promise<{ file: string; text: string; cleanup(): Promise<void> } | undefined> {
  const given = (['url', 'rate', 'duration', 'users'] as const).filter((flag) => args[flag] !== undefined);
  if (given.length === 0) return undefined;
  if (scenarioGiven)
    throw new UserError(`${given.map((flag) => `--${flag}`).join(', ')} make a quick run without a scenario file: give them or a scenario, not both`, {
      exitCode: ExitCode.badInput,
    });
  const problems: string[] = [];
  if (args.url === undefined) problems.push('--url: required for a quick run: mock, or your server’s base URL');
  else parseTargetOption(args.url);
  if (args.rate === undefined || !(args.rate > 0)) problems.push('--rate: requests per second above 0, e.g. --rate 50');
  if (args.duration === undefined || !((parseDurationMs(args.duration) ?? 0) > 0)) problems.push('--duration: how long, with a unit, e.g. --duration 30s');
  if (args.url !== undefined && args.url !== 'mock' && args.users === undefined)
    problems.push('--users: a CSV of your users (auth_id column) for a real target: the shipped ones are not registered there');
  if (problems.length > 0) throw new UserError('a quick run needs --url, --rate and --duration', { exitCode: ExitCode.badInput, problems });
  const text = quickScenarioText(args.url!, args.rate!, args.duration!.trim(), args.users ?? '');
  const dir = await mkdtemp(join(tmpdir(), 'harness-quick-'));
  const file = join(dir, 'quick.yml');
  await writeFile(file, text);
  return { file, text, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
