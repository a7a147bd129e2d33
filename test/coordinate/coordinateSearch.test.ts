// A capacity search across shards: the coordinator decides each trial, and both shards send their
// stripe of it to one shared server on 127.0.0.1.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockBehaviourSchema } from '../../src/mock/behaviour.ts';
import { startMockServer } from '../../src/mock/server.ts';
import { readRunResult } from '../fixtures/cliScenario.ts';
import { tempDir } from '../fixtures/tempFiles.ts';
import { COORDINATED_ENV, coordinated } from './coordinatedRun.ts';

const ENV = COORDINATED_ENV;
let files: ReturnType<typeof tempDir>;
beforeAll(() => {
  files = tempDir();
  files.write('users.csv', `auth_id\n${Array.from({ length: 300 }, (_, i) => `u${i}`).join('\n')}\n`);
  files.write('messages.csv', 'message_body\nhello\n');
});
afterAll(() => files.cleanup());

describe('a capacity search across shards', () => {
  it('is decided by the coordinator, each trial striped over both shards: it finds the capacity of one shared server (200/s)', async () => {
    // One server for both shards: 4 slots of 20 ms hold 200 requests/s.
    const mock = await startMockServer({
      credentials: { token: ENV.HAPTIK_TOKEN, clientId: ENV.HAPTIK_CLIENT_ID },
      behaviour: mockBehaviourSchema.parse({ registerAll: true, latency: '20ms', slots: 4 }),
    });
    try {
      const file = files.write(
        'search.yml',
        `name: search
target: { url: "${mock.url}", token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}", timeout: 2s }
users: { file: users.csv, order: sequence }
messages: { file: messages.csv }
phases:
  - name: find
    search: { from: 50, max: 1000, hold: 1s, precision: 10%, slo: [p99 < 120ms], cooldown: 300ms }
`,
      );
      const run = await coordinated(files.dir, file, 'search', { shards: 2, delaysMs: [0, 0], coordinatorArgs: ['--no-preflight'] });
      expect(run.coordinator.exitCode, run.coordinator.stdout + run.coordinator.stderr).toBe(0);
      for (const shard of run.shards) {
        expect(shard.run.exitCode, shard.run.stderr).toBe(0);
        expect(shard.run.stdout).toMatch(/sent \d+ trials of the coordinator's capacity search/);
      }
      const result = readRunResult(join(files.dir, 'search'));
      const capacity = result.phases[0]!.capacity!;
      expect(capacity.bound).toBe('server');
      expect(capacity.heldPerSec).toBeGreaterThanOrEqual(200 * 0.85);
      expect(capacity.heldPerSec).toBeLessThanOrEqual(200 * 1.15);
      // Each held trial's whole rate came from the two shards together.
      for (const trial of capacity.trials.filter((t) => t.held)) expect(trial.achievedPerSec).toBeGreaterThanOrEqual(trial.askedPerSec * 0.95);
      // Every request of every trial is in the result, and the shared server answered each of them.
      const answered = Object.values(mock.stats().statusCounts).reduce((total, count) => total + count, 0);
      expect(result.phases[0]!.requests.sent).toBe(answered);
    } finally {
      await mock.close();
    }
  }, 180_000);
});
