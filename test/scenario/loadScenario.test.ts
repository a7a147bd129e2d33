import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACT_FILE } from '../../src/pact/pactTerms.ts';
import { UserError } from '../../src/errors.ts';
import { loadScenario } from '../../src/scenario/loadScenario.ts';
import { planLoad } from '../../src/scenario/plan.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
  files.write('users.csv', 'auth_id,expect\nalice01,\nghost1,403\n');
  files.write('messages.csv', 'message_body\nhello\n');
});
afterEach(() => files.cleanup());

const valid = `name: t
target:
  url: mock
  token: \${HAPTIK_TOKEN}
  clientId: \${HAPTIK_CLIENT_ID}
users: { file: users.csv }
messages: { file: messages.csv }
phases:
  - { name: warmup, duration: 2s, rate: 10 }
  - { name: ramp, duration: 1m, rate: 10, rampTo: 50 }
  - { name: push, duration: 500ms, connections: 4 }
thresholds:
  - p99 < 250ms
  - errorRate < 1%
  - { expr: p99 < 400ms, phase: ramp, abortOnFail: true }
`;

async function problemsOf(yaml: string, env: Record<string, string> = {}): Promise<string[]> {
  const file = files.write('scenario.yml', yaml);
  try {
    await loadScenario(file, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    return [...(error as UserError).problems, (error as UserError).message];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('loadScenario', () => {
  it('loads a valid scenario against the mock with no credentials set', async () => {
    const { scenario } = await loadScenario(files.write('scenario.yml', valid), {});
    expect(scenario.target.url).toBe('mock');
    expect(scenario.target.token).toBeUndefined();
    expect(scenario.target.timeout).toBe(10_000);
    expect(scenario.users.order).toBe('sequence');
    expect(scenario.users.file).toBe(`${files.dir}/users.csv`);
    expect(scenario.phases.map((p) => p.kind)).toEqual(['rate', 'rate', 'connections']);
    expect(scenario.phases[1]).toMatchObject({ durationMs: 60_000, ratePerSec: 10, rampToPerSec: 50 });
    expect(scenario.thresholds[2]).toMatchObject({ phase: 'ramp', abortOnFail: true });
  });

  it('scales durations with --duration-scale', async () => {
    const { scenario } = await loadScenario(files.write('scenario.yml', valid), {}, { durationScale: 0.5 });
    expect(scenario.phases.map((p) => ('durationMs' in p ? p.durationMs : 0))).toEqual([1000, 30_000, 250]);
  });

  it('requires the credentials of a real target, naming the unset variable and its line', async () => {
    const problems = await problemsOf(valid.replace('url: mock', 'url: https://staging.example.com'));
    expect(problems).toContain(
      `${files.dir}/scenario.yml:4: target.token: \${HAPTIK_TOKEN} is not set: export HAPTIK_TOKEN, or write \${HAPTIK_TOKEN:-default}`,
    );
    expect(problems.some((p) => p.includes(':5: target.clientId') && p.includes('HAPTIK_CLIENT_ID'))).toBe(true);
  });

  it('interpolates ${VAR} and ${VAR:-default}', async () => {
    const { scenario } = await loadScenario(files.write('scenario.yml', valid.replace('url: mock', 'url: ${TARGET:-https://staging.example.com}')), {
      HAPTIK_TOKEN: 'tok',
      HAPTIK_CLIENT_ID: 'cid',
    });
    expect(scenario.target).toMatchObject({ url: 'https://staging.example.com', token: 'tok', clientId: 'cid' });
  });

  it('lets --target override the file', async () => {
    const { scenario } = await loadScenario(files.write('scenario.yml', valid), { HAPTIK_TOKEN: 't', HAPTIK_CLIENT_ID: 'c' }, { target: 'http://127.0.0.1:9' });
    expect(scenario.target.url).toBe('http://127.0.0.1:9');
  });

  it('reports every problem at once, each with file, line and field', async () => {
    const broken = `name: t
target: { url: mock, timeot: 5s }
users: { file: missing.csv, order: shuffled }
messages: { file: messages.csv }
phases:
  - { name: a, duration: 10, rate: 10 }
  - { name: a, duration: 1s, rate: 10, connections: 5 }
  - { name: c, rate: 5 }
thresholds:
  - p99 < 250
  - p42 < 1s
  - { expr: p99 < 1s, phase: nope }
`;
    const problems = (await problemsOf(broken)).join('\n');
    expect(problems).toContain('scenario.yml:2: target: unknown key "timeot" (did you mean "timeout"?)');
    expect(problems).toMatch(/scenario\.yml:3: users\.order: .*sequence.*random.*once/);
    expect(problems).toContain('scenario.yml:6: phases.0.duration: expected a duration such as 250ms, 10s or 2m, got 10 (add a unit)');
    expect(problems).toMatch(/scenario\.yml:7: phases\.1: rate and connections cannot be combined/);
    expect(problems).toMatch(/scenario\.yml:8: phases\.2\.duration: required/);
    expect(problems).toMatch(/scenario\.yml:10: thresholds\.0: .*not one of the accepted forms|scenario\.yml:10: thresholds\.0/);
  });

  it('names the key a misspelt one meant, and none for a key far from every known one', async () => {
    const problems = (
      await problemsOf(`name: t
target: { url: mock, maxConection: 10 }
users: { file: users.csv }
messages: { file: messages.csv }
phases:
  - { name: a, duration: 1s, rte: 10, quxx: 1 }
`)
    ).join('\n');
    expect(problems).toContain('scenario.yml:2: target: unknown key "maxConection" (did you mean "maxConnections"?)');
    expect(problems).toContain('scenario.yml:6: phases.0: unknown keys "rte" (did you mean "rate"?), "quxx"');
  });

  it('takes arrivals on rate phases and refuses them where nothing is scheduled by rate', async () => {
    const scenario = (phase: string) => `name: t
target: { url: mock }
users: { file: users.csv }
messages: { file: messages.csv }
phases:
  - ${phase}
`;
    expect(
      (await loadScenario(files.write('scenario.yml', scenario('{ name: a, duration: 1s, rate: 10, arrivals: poisson }')), {})).scenario.phases[0],
    ).toMatchObject({
      arrivals: 'poisson',
    });
    expect((await problemsOf(scenario('{ name: a, duration: 1s, connections: 2, arrivals: poisson }'))).join('\n')).toContain(
      'scenario.yml:6: phases.0.arrivals: only with rate, conversations or search',
    );
    expect((await problemsOf(scenario('{ name: a, duration: 1s, rate: 10, arrivals: bursty }'))).join('\n')).toMatch(/phases\.0\.arrivals: .*uniform.*poisson/);
  });

  it('checks across fields once each field is valid: phase names, threshold scopes, credentials', async () => {
    const problems = (await problemsOf(valid.replace('name: ramp', 'name: warmup').replace('phase: ramp', 'phase: nope'))).join('\n');
    expect(problems).toMatch(/scenario\.yml:10: phases\.1\.name: "warmup" is used by an earlier phase/);
    expect(problems).toMatch(/scenario\.yml:15: thresholds\.2\.phase: no phase named "nope"/);
  });

  it('reports a missing data file with the line that names it', async () => {
    const problems = await problemsOf(valid.replace('file: users.csv', 'file: nobody.csv'));
    expect(problems.some((p) => p.startsWith(`${files.dir}/scenario.yml:6: users.file: no such file`))).toBe(true);
  });

  it('reports YAML syntax errors with their line, and a missing file plainly', async () => {
    const problems = await problemsOf('name: t\nphases: [\n');
    expect(problems.some((p) => /scenario\.yml:3: Flow sequence/.test(p))).toBe(true);
    await expect(loadScenario(`${files.dir}/none.yml`, {})).rejects.toThrow(/none\.yml: no such file/);
  });

  it('checks responses against the harness pact by default; contract: false or another pact file', async () => {
    const { scenario } = await loadScenario(files.write('scenario.yml', valid), {});
    expect(scenario.contract).toEqual({ pact: PACT_FILE, sample: 1, clockSkew: 2000 });
    const off = await loadScenario(files.write('scenario.yml', `${valid}contract: false\n`), {});
    expect(off.scenario.contract).toBe(false);
    files.write('other-pact.json', '{}');
    const other = await loadScenario(files.write('scenario.yml', `${valid}contract: { pact: other-pact.json, sample: 10%, clockSkew: 500ms }\n`), {});
    expect(other.scenario.contract).toEqual({ pact: `${files.dir}/other-pact.json`, sample: 0.1, clockSkew: 500 });
  });

  it('refuses contract thresholds when checks are off, and a pact file that is not there', async () => {
    const problems = (await problemsOf(`${valid.replace('  - errorRate < 1%', '  - contractViolations == 0')}contract: false\n`)).join('\n');
    expect(problems).toMatch(/scenario\.yml:14: thresholds\.1: "contractViolations == 0" needs contract checks, but the scenario sets contract: false/);
    const missing = await problemsOf(`${valid}contract: { pact: nowhere.json }\n`);
    expect(missing).toContainEqual(expect.stringMatching(/scenario\.yml:16: contract\.pact: no such file: .*nowhere\.json/));
  });

  it('checks live-metrics outputs: a header value read from a file with its line break is named by its variable, never shown', async () => {
    const withOutputs = `${valid}outputs:\n  prometheus:\n    url: http://127.0.0.1:9090/api/v1/write\n    interval: 500ms\n    labels: { run_id: x, team: sre }\n    headers: { Authorization: "Bearer \${PROM_TOKEN}" }\n`;
    const problems = (await problemsOf(withOutputs, { PROM_TOKEN: 's3cret\n' })).join('\n');
    expect(problems).toMatch(/scenario\.yml:\d+: outputs\.prometheus\.headers\.Authorization: its value \(from \$\{PROM_TOKEN\}\) ends with a line break/);
    expect(problems).toMatch(/outputs\.prometheus\.interval: between 1s and 60s/);
    expect(problems).toMatch(/outputs\.prometheus\.labels\.run_id: taken by the harness/);
    expect(problems).not.toContain('s3cret');
    const fixed = withOutputs.replace('interval: 500ms', 'interval: 1s').replace('run_id: x, ', '');
    const { scenario } = await loadScenario(files.write('scenario.yml', fixed), { PROM_TOKEN: 's3cret' }).catch((error: UserError) => {
      throw new Error(error.problems.join('\n'));
    });
    expect(scenario.outputs.prometheus).toEqual({
      url: 'http://127.0.0.1:9090/api/v1/write',
      interval: 1000,
      labels: { team: 'sre' },
      headers: { Authorization: 'Bearer s3cret' },
    });
  });

  it('teaches on the first try: what a missing field is for, where a threshold broke, the metric meant (no validation-library wording)', async () => {
    const problems = (
      await problemsOf(`name: typo
target: {}
phases:
  - { name: a, duration: 2s, rte: 10 }
thresholds:
  - p99 < 10 ms
  - p98 < 5ms
  - { expr: p99 < 1s, phase: 3 }
`)
    ).join('\n');
    expect(problems).toContain('scenario.yml:2: target.url: required: the built-in mock or your server, e.g. url: mock');
    expect(problems).toContain('scenario.yml:1: users: required: the users whose auth_id each message carries, e.g. users: { file: data/users.csv }');
    expect(problems).toContain('scenario.yml:1: messages: required: the texts users send');
    expect(problems).toContain('scenario.yml:4: phases.0: unknown key "rte" (did you mean "rate"?)');
    expect(problems).toContain('scenario.yml:6: thresholds.0: "p99 < 10 ms" column 7: no space between a number and its unit: write 10ms');
    expect(problems).toContain('scenario.yml:7: thresholds.1: unknown metric "p98" in "p98 < 5ms" (did you mean "p90"?)');
    expect(problems).toContain('thresholds.2.phase: expected text, found a number');
    expect(problems).not.toMatch(/Invalid input|received undefined|not one of the accepted forms/);
    // A field that is there but wrong is not missing.
    const present = (await problemsOf(valid.replace('messages: { file: messages.csv }', 'messages: { files: messages.csv }'))).join('\n');
    expect(present).toMatch(/scenario\.yml:7: messages: not one of the accepted forms/);
    expect(present).not.toContain('required');
  });

  it('loads and plans every shipped scenario', async () => {
    const names = readdirSync('scenarios')
      .filter((file) => file.endsWith('.yml'))
      .map((file) => file.slice(0, -'.yml'.length));
    expect(names).toEqual(expect.arrayContaining(['capacity', 'launch', 'peak', 'smoke', 'soak', 'stress']));
    for (const name of names) {
      const loaded = await loadScenario(`scenarios/${name}.yml`, {});
      expect(loaded.scenario.name).toBe(name);
      expect(loaded.scenario.target.url).toBe('mock');
      expect((await planLoad(loaded)).phases.length).toBe(loaded.scenario.phases.length);
    }
  });

  it('refuses phases that cannot schedule anything: zero length, or a rate too low for its length', async () => {
    const problems = await problemsOf(
      valid
        .replace('{ name: warmup, duration: 2s, rate: 10 }', '{ name: warmup, duration: 0s, rate: 10 }')
        .replace('rate: 10, rampTo: 50', 'rate: 0.001, rampTo: 0.001'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/phases\.0\.duration: must be longer than 0/),
        expect.stringMatching(/phases\.1\.rate: schedules no request in 60000 ms/),
      ]),
    );
  });

  it('refuses a YAML alias bomb with a message, not a crash', async () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    const problems = await problemsOf(bomb);
    expect(problems.at(-1)).toMatch(/scenario\.yml: cannot be read: .*alias/i);
  });

  it('refuses a CSV whose header names a column twice', async () => {
    const { planLoad } = await import('../../src/scenario/plan.ts');
    files.write('users.csv', 'auth_id,business_id,auth_id\nalice01,343,bob\n');
    const loaded = await loadScenario(files.write('scenario.yml', valid), {});
    await expect(planLoad(loaded)).rejects.toMatchObject({ problems: [expect.stringMatching(/users\.csv:1: column "auth_id" appears twice in the header/)] });
  });

  it('refuses what would exhaust the machine instead of crashing: documented maxima for rate, connections, duration and body size', async () => {
    const problems = await problemsOf(
      valid
        .replace('{ name: warmup, duration: 2s, rate: 10 }', '{ name: warmup, duration: 25h, rate: 1e9 }')
        .replace('{ name: push, duration: 500ms, connections: 4 }', '{ name: push, duration: 500ms, connections: 2000000 }')
        .replace('  url: mock\n', '  url: mock\n  maxBodyBytes: 1e9\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/phases\.0\.rate: at most 10000000 requests\/s for a whole run \(100000 per generator process\)/),
        expect.stringMatching(/phases\.0\.duration: at most 24h per phase/),
        expect.stringMatching(/phases\.2\.connections: at most 1000000 for a whole run \(10000 per generator process\)/),
        expect.stringMatching(/target\.maxBodyBytes: at most 67108864/),
      ]),
    );
  });

  it('refuses a CSV record over 1 MiB (a NUL-filled file, say) at once, without reading the rest', async () => {
    const { planLoad } = await import('../../src/scenario/plan.ts');
    files.write('users.csv', `auth_id\n${'\0'.repeat(3 * 1024 * 1024)}\n`);
    const loaded = await loadScenario(files.write('scenario.yml', valid), {});
    await expect(planLoad(loaded)).rejects.toMatchObject({
      problems: [expect.stringMatching(/users\.csv:\d+: a record longer than 1024 KiB \(is this a CSV file\?\)/)],
    });
  });
});
