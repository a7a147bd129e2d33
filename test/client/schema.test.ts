import { describe, expect, it } from 'vitest';
import { isPlainLogMessageRequest, LogMessageRequestSchema } from '../../src/client/schema.ts';
import { seededRandom } from '../../src/util/random.ts';
import type { Random } from '../../src/util/random.ts';

const valid = { user: { auth_id: 'cust5k19f8yy' }, message_body: 'नमस्ते 🙏', message_type: 0, business_id: 343 };

const ODD_VALUES: unknown[] = [
  null,
  undefined,
  '',
  'x',
  ' ',
  -1,
  -0,
  0,
  1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  '7',
  true,
  [],
  {},
  { auth_id: 'a' },
  'a'.repeat(256),
  'a'.repeat(257),
  'bad id!',
  'ok.id@x-_',
];

/** A valid body with one or two random changes: a field replaced, removed or added. */
function mutate(random: Random): unknown {
  const body: Record<string, unknown> = structuredClone(valid);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  for (let i = 0; i < 1 + Math.floor(random() * 2); i++) {
    const where = pick(['user', 'message_body', 'message_type', 'business_id', 'auth_id', 'extra', 'userExtra', 'root']);
    if (where === 'auth_id') (body.user as Record<string, unknown>) = { auth_id: pick(ODD_VALUES) };
    else if (where === 'extra') body[pick(['extra', 'message_id', '__proto__x'])] = pick(ODD_VALUES);
    else if (where === 'userExtra') body.user = { ...(body.user as object), [pick(['name', 'id'])]: 1 };
    else if (where === 'root') return pick([null, [], 'body', 42, [valid]]);
    else if (random() < 0.2) delete body[where];
    else body[where] = pick(ODD_VALUES);
  }
  return body;
}

describe('isPlainLogMessageRequest', () => {
  it('accepts only what the request schema accepts, and accepts well-formed bodies', () => {
    const random = seededRandom(11);
    let fastAccepted = 0;
    for (let i = 0; i < 20_000; i++) {
      // JSON round trip: the mock only ever sees parsed JSON.
      const candidate = JSON.parse(JSON.stringify(mutate(random)) ?? 'null') as unknown;
      const schemaAccepts = LogMessageRequestSchema.safeParse(candidate).success;
      const fast = isPlainLogMessageRequest(candidate);
      if (fast) {
        fastAccepted++;
        expect(schemaAccepts, JSON.stringify(candidate)).toBe(true);
      }
    }
    expect(isPlainLogMessageRequest(valid)).toBe(true);
    expect(fastAccepted).toBeGreaterThan(500);
  });
});
