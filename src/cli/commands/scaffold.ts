import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import type { CliIo } from '../io.ts';
import { parseTargetOption } from './targetOption.ts';

interface NewArgs {
  name: string;
  target?: string;
}

/** The starting point `new` writes: every part a launch test needs, each said in a comment. */
function scenarioText(name: string, target: string): string {
  return `# yaml-language-server: $schema=./scenario.schema.json
# ${name}: written by npm run harness -- new ${name}. Run it with
#   npm run load -- scenarios/${name}.yml
# Against your server, export HAPTIK_TOKEN and HAPTIK_CLIENT_ID first. Before any load, preflight
# sends one request per kind of user and stops (exit 3) at a wrong URL, token or user.
# Every field: docs/load-runs.md, or hover it in an editor that reads the line above.
name: ${name}
description: ${name}, ramped to a peak and held there
seed: 1
target:
  url: ${target}
  token: \${HAPTIK_TOKEN}
  clientId: \${HAPTIK_CLIENT_ID}
  timeout: 10s
users:
  # One row per user: auth_id, and optionally business_id, weight (messages per turn) and expect:
  # the status that user should get (403 for one the platform does not know). Answers a row
  # expects are expected outcomes, not errors; preflight checks one user of each kind.
  file: data/${name}-users.csv
  order: sequence
messages: { file: data/messages.csv, order: random }
phases:
  - { name: warmup, duration: 30s, rate: 10 }
  - { name: ramp, duration: 2m, rate: 10, rampTo: 100 }
  # People arrive independently: Poisson arrivals queue up before capacity, as launches do.
  - { name: peak, duration: 5m, rate: 100, arrivals: poisson }
thresholds:
  - p99 < 500ms
  - errorRate < 1%
  # Checked every second while the peak runs: a p99 over a second stops the run there.
  - { expr: p99 < 1s, phase: peak, abortOnFail: true }
# Every answer is checked against the consumer contract (pacts/); any broken one fails the run
# unless a threshold says how many may be (contractViolationRate < 0.1%).
contract: { sample: 1 }
`;
}

const USERS_TEMPLATE = `auth_id,business_id,weight,expect
user0001,,,
user0002,,,
user0003,,,
ghost0001,,,403
`;

/** `new`: a commented starting scenario and its users CSV, never over existing files. */
export function newCommand(io: CliIo) {
  return {
    command: 'new <name>',
    describe: 'Write scenarios/<name>.yml (a commented starting point) and scenarios/data/<name>-users.csv',
    builder: (yargs: Argv) =>
      yargs
        .positional('name', { type: 'string', demandOption: true, describe: 'the scenario name: letters, digits, "_", "-" or "."' })
        .option('target', { type: 'string', describe: '"mock" (the default) or your server\'s base URL' }),
    handler: async (args: NewArgs) => {
      if (!/^[\w.-]+$/.test(args.name)) throw new UserError(`the name "${args.name}" is not letters, digits, "_", "-" or "."`, { exitCode: ExitCode.badInput });
      const target = parseTargetOption(args.target) ?? 'mock';
      const files = { scenario: join('scenarios', `${args.name}.yml`), users: join('scenarios', 'data', `${args.name}-users.csv`) };
      const taken = [];
      for (const file of Object.values(files))
        if (
          await access(file).then(
            () => true,
            () => false,
          )
        )
          taken.push(file);
      if (taken.length > 0)
        throw new UserError(`${taken.join(' and ')} already exist${taken.length === 1 ? 's' : ''}: nothing written (choose another name)`, {
          exitCode: ExitCode.badInput,
        });
      await mkdir(join('scenarios', 'data'), { recursive: true });
      await writeFile(files.users, USERS_TEMPLATE, { flag: 'wx' });
      await writeFile(files.scenario, scenarioText(args.name, target), { flag: 'wx' });
      io.stdout(
        `wrote ${files.scenario} and ${files.users}\nnext: edit the users (your auth_ids), then\n  npm run load -- ${files.scenario}${target === 'mock' ? '' : '   (with HAPTIK_TOKEN and HAPTIK_CLIENT_ID exported)'}\n`,
      );
    },
  };
}
