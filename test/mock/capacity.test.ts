import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LOG_MESSAGE_PATH } from '../../src/client/schema.ts';
import { mockBehaviourSchema } from '../../src/mock/behaviour.ts';
import { startMockServer } from '../../src/mock/server.ts';

const credentials = { token: 'capacity-token', clientId: 'capacity-client' };
const body = JSON.stringify({ user: { auth_id: 'alice01' }, message_body: 'hello', message_type: 0, business_id: 343 });

/** Sends `count` requests at once, each on a connection of its own; resolves with each answer's time (ms after the first send). */
async function burst(url: string, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: false, maxSockets: count });
  const startedMs = performance.now();
  try {
    return await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<number>((resolve, reject) => {
            const req = request(
              `${url}${LOG_MESSAGE_PATH}`,
              {
                method: 'POST',
                agent,
                headers: { authorization: `Bearer ${credentials.token}`, 'client-id': credentials.clientId, 'content-type': 'application/json' },
              },
              (res) => {
                res.resume();
                res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - startedMs) : reject(new Error(`status ${res.statusCode}`))));
              },
            );
            req.on('error', reject);
            req.end(body);
          }),
      ),
    );
  } finally {
    agent.destroy();
  }
}

describe('the mock with service slots', () => {
  it('serves slots / latency requests a second, the rest waiting their turn: 4 slots of 20 ms answer 400 requests in 2 s', async () => {
    const behaviour = mockBehaviourSchema.parse({ latency: '20ms', slots: 4 });
    const mock = await startMockServer({ credentials, registeredAuthIds: ['alice01'], behaviour });
    try {
      const doneMs = (await burst(mock.url, 400)).sort((a, b) => a - b);
      // Capacity 4 / 20 ms = 200/s: the last of 400 ends at 2,000 ms (plus the time to send them).
      expect(doneMs.at(-1)!).toBeGreaterThan(1950);
      expect(doneMs.at(-1)!).toBeLessThan(2600);
      // And the answers come at that pace all along, not in a burst at the end: about 200 in the first second.
      expect(doneMs.filter((ms) => ms < 1000).length).toBeGreaterThan(170);
      expect(doneMs.filter((ms) => ms < 1000).length).toBeLessThan(230);
    } finally {
      await mock.close();
    }
  });

  it('refuses slots without a latency (no service time, no capacity)', () => {
    const parsed = mockBehaviourSchema.safeParse({ slots: 4 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['slots'], message: expect.stringContaining('slots needs a latency') });
  });
});
