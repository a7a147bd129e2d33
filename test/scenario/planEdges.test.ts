// What planning refuses or shapes at the edges (issue #34, item 8): the scale past the limits,
// a replay scaled longer, data files whose header is not what the rows need.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { loadScenario } from '../../src/scenario/loadScenario.ts';
import { planLoad } from '../../src/scenario/plan.ts';
import { cliTestFolder } from '../fixtures/cliScenario.ts';

const files = cliTestFolder('auth_id,expect\nalice01,\nghost1,403\n');

const scenario = (phases: string) => `name: t
target: { url: mock }
users: { file: users.csv }
messages: { file: messages.csv }
phases:
${phases}
`;

async function plan(phases: string, durationScale = 1) {
  const file = files.write('scenario.yml', scenario(phases));
  return planLoad(await loadScenario(file, {}, { durationScale }), durationScale);
}

async function refusal(phases: string, durationScale = 1): Promise<string> {
  const error = await plan(phases, durationScale).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  return [(error as UserError).message, ...(error as UserError).problems].join('\n');
}

describe('planning at the edges', () => {
  it('refuses a phase that --duration-scale takes past 24 h, and one it leaves with no request', async () => {
    expect(await refusal('  - { name: long, duration: 10h, rate: 1 }', 3)).toMatch(/phase "long" would last 30h \(--duration-scale 3\): at most 24h per phase/);
    expect(await refusal('  - { name: steady, duration: 10s, rate: 1 }', 0.05)).toMatch(
      /phase "steady" schedules no request in 500ms at 1\/s \(--duration-scale 0\.05\)/,
    );
    // Within the limits both plan.
    await expect(plan('  - { name: long, duration: 10h, rate: 1 }', 2)).resolves.toBeDefined();
  });

  it('plays a replay again from its start when --duration-scale lengthens it, and only its start when it shortens it', async () => {
    files.write('traffic.csv', 'offset_ms,auth_id,message_body\n0,alice01,a\n500,alice01,b\n1000,alice01,c\n');
    const phases = '  - { name: replay, replay: traffic.csv }';
    const offsets = (p: Awaited<ReturnType<typeof plan>>) => {
      const phase = p.phases[0]!;
      if (phase.kind !== 'replay') throw new Error('expected a replay phase');
      return { offsets: Array.from({ length: phase.schedule.count }, (_, i) => phase.schedule.dueOffsetMs(i)), texts: phase.rows.map((r) => r.message_body) };
    };
    expect(offsets(await plan(phases))).toEqual({ offsets: [0, 500, 1000], texts: ['a', 'b', 'c'] });
    // Twice as long: the log again, one mean gap (500 ms) after its end.
    expect(offsets(await plan(phases, 2))).toEqual({ offsets: [0, 500, 1000, 1500, 2000], texts: ['a', 'b', 'c', 'a', 'b'] });
    expect(offsets(await plan(phases, 0.5))).toEqual({ offsets: [0, 500], texts: ['a', 'b'] });
  });

  it('names a replay row out of order by file and line', async () => {
    files.write('traffic.csv', 'offset_ms,auth_id,message_body\n0,alice01,a\n900,alice01,b\n400,alice01,c\n');
    expect(await refusal('  - { name: replay, replay: traffic.csv }')).toMatch(/traffic\.csv:4: offset_ms: 400 is before the previous row's \(900\)/);
  });

  it('refuses numbers that are not written in decimal (0x10, 0b1) in data files', async () => {
    files.write('traffic.csv', 'offset_ms,auth_id,message_body\n0x10,alice01,a\n');
    files.write('users.csv', 'auth_id,weight\nalice01,0b1\n');
    const message = await refusal('  - { name: replay, replay: traffic.csv }');
    expect(message).toMatch(/traffic\.csv:2: offset_ms: offset_ms must be a number of milliseconds >= 0, got "0x10"/);
    expect(message).toMatch(/users\.csv:2: weight: expected a whole number from 1 to 1000, got "0b1"/);
  });

  it('refuses a CSV column the rows do not know, once, with what it probably is', async () => {
    files.write('users.csv', 'auth_id,expected\nalice01,\nghost1,403\nghost2,403\n');
    const message = await refusal('  - { name: steady, duration: 1s, rate: 10 }');
    expect(message).toMatch(/users\.csv:1: unknown column "expected": did you mean "expect"\? \(known columns: auth_id, business_id, weight, expect\)/);
    expect(message.match(/expected/g)!.length).toBeLessThan(6);
  });

  it('says once that the auth_id column is missing, whatever the case or the separator', async () => {
    files.write('users.csv', `Auth_ID\n${Array.from({ length: 50 }, (_, i) => `user${i}`).join('\n')}\n`);
    const wrongCase = await refusal('  - { name: steady, duration: 1s, rate: 10 }');
    expect(wrongCase).toMatch(/unknown column "Auth_ID": did you mean "auth_id"\? \(names are case-sensitive\)/);
    expect(wrongCase).toMatch(/missing column "auth_id" \(required\)/);
    expect(wrongCase.split('\n').length).toBeLessThan(5);
    files.write('users.csv', 'auth_id;expect\nalice01;\n');
    expect(await refusal('  - { name: steady, duration: 1s, rate: 10 }')).toMatch(
      /unknown column "auth_id;expect": columns are separated by commas, not by ";"/,
    );
  });
});
