import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { loadScenario } from '../../src/scenario/loadScenario.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
  files.write('users.csv', 'auth_id\nalice01\n');
});
afterEach(() => files.cleanup());

/** A scenario whose only phase is `phase` (YAML lines indented under `- `). */
function scenarioWith(phase: string): string {
  return `name: t
target: { url: mock }
users: { file: users.csv }
messages: { inline: [hello] }
phases:
  - name: chats
${phase
  .trim()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;
}

async function problemsOf(yaml: string): Promise<readonly string[]> {
  const file = files.write('scenario.yml', yaml);
  try {
    await loadScenario(file, {});
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    return (error as UserError).problems;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('a conversations phase in a scenario', () => {
  it('reads the issue form and fills the defaults', async () => {
    const { scenario } = await loadScenario(
      files.write(
        'scenario.yml',
        scenarioWith(`
duration: 20s
conversations:
  rate: 10
  messages: 5
  thinkTime: 1s
  connection: own`),
      ),
      {},
    );
    expect(scenario.phases[0]).toMatchObject({
      kind: 'conversations',
      durationMs: 20_000,
      arrivals: 'uniform',
      conversations: {
        rate: 10,
        messages: { kind: 'fixed', count: 5 },
        thinkTime: { kind: 'fixed', ms: 1000 },
        connection: 'own',
        onError: 'continue',
        gracefulStop: 30_000,
        tlsResume: false,
      },
    });
  });

  it('reads every form of messages and think time', async () => {
    const { scenario } = await loadScenario(
      files.write(
        'scenario.yml',
        scenarioWith(`
duration: 20s
arrivals: poisson
conversations: { rate: 10, rampTo: 40, messages: { mean: 4 }, thinkTime: { lognormal: { median: 2s, p99: 20s } }, connection: pool, onError: abandon, gracefulStop: 5s, tlsResume: true }`),
      ),
      {},
    );
    expect(scenario.phases[0]).toMatchObject({
      arrivals: 'poisson',
      conversations: {
        rampTo: 40,
        messages: { kind: 'geometric', mean: 4 },
        thinkTime: { kind: 'lognormal', medianMs: 2000, p99Ms: 20_000 },
        connection: 'pool',
        onError: 'abandon',
        gracefulStop: 5000,
        tlsResume: true,
      },
    });
    const uniform = await loadScenario(
      files.write('scenario.yml', scenarioWith('duration: 2s\nconversations: { rate: 1, messages: { min: 2, max: 8 }, thinkTime: { uniform: [500ms, 3s] } }')),
      {},
    );
    expect(uniform.scenario.phases[0]).toMatchObject({
      conversations: { messages: { kind: 'uniform', min: 2, max: 8 }, thinkTime: { kind: 'uniform', fromMs: 500, toMs: 3000 }, connection: 'own' },
    });
  });

  it.each([
    [
      'a rate of 0',
      'duration: 2s\nconversations: { rate: 0, messages: 2, thinkTime: 1s }',
      /scenario\.yml:\d+: phases\.0\.conversations\.rate: must be above 0/,
    ],
    ['no message', 'duration: 2s\nconversations: { rate: 5, messages: 0, thinkTime: 1s }', /phases\.0\.conversations\.messages: .*at least 1 message/],
    ['a negative think time', 'duration: 2s\nconversations: { rate: 5, messages: 2, thinkTime: -1s }', /phases\.0\.conversations\.thinkTime/],
    [
      'a lognormal p99 under its median',
      'duration: 2s\nconversations: { rate: 5, messages: 2, thinkTime: { lognormal: { median: 2s, p99: 1s } } }',
      /phases\.0\.conversations\.thinkTime\.lognormal\.p99: p99 must be above the median/,
    ],
    [
      'an unknown connection mode',
      'duration: 2s\nconversations: { rate: 5, messages: 2, thinkTime: 1s, connection: shared }',
      /phases\.0\.conversations\.connection: .*"own".*"pool"/,
    ],
    [
      'conversations beside rate',
      'duration: 2s\nrate: 5\nconversations: { rate: 5, messages: 2, thinkTime: 1s }',
      /phases\.0: rate and conversations cannot be combined/,
    ],
    ['no duration', 'conversations: { rate: 5, messages: 2, thinkTime: 1s }', /phases\.0\.duration: required/],
    ['a rate that starts none', 'duration: 100ms\nconversations: { rate: 5, messages: 2, thinkTime: 1s }', /starts no conversation in 100 ms/],
    ['min above max', 'duration: 2s\nconversations: { rate: 5, messages: { min: 4, max: 2 }, thinkTime: 1s }', /messages\.max: min must not exceed max/],
    [
      'rampTo on the phase',
      'duration: 2s\nrampTo: 9\nconversations: { rate: 5, messages: 2, thinkTime: 1s }',
      /rampTo: a conversations phase ramps with conversations\.rampTo/,
    ],
  ])('refuses %s with file, line and field (exit 2)', async (_name, phase, expected) => {
    const problems = await problemsOf(scenarioWith(phase));
    expect(problems.join('\n')).toMatch(expected);
  });
});
