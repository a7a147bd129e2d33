import { describe, expect, it } from 'vitest';
import { buildLogMessageRequest, logMessageRequestJson } from '../../src/client/logMessageClient.ts';
import type { LogMessageInput } from '../../src/client/logMessageClient.ts';
import { seededRandom } from '../../src/util/random.ts';

/** Text with what JSON escapes or keeps: quotes, backslashes, control characters, lone surrogates, emoji, scripts. */
function randomText(random: () => number): string {
  const pieces = ['hi', '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u2028', '\ud800', '\udfff', '🙏', 'नमस्ते', 'こんにちは', ' ', '/', '{}'];
  let text = '';
  const length = Math.floor(random() * 12);
  for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
  return text;
}

describe('the request body', () => {
  it('written directly is, byte for byte, the JSON of the documented request object', () => {
    const random = seededRandom(20261130);
    for (let i = 0; i < 5000; i++) {
      const input: LogMessageInput = {
        authId: randomText(random),
        messageBody: randomText(random),
        businessId: Math.floor(random() * 1e6),
        messageType: random() < 0.3 ? undefined : Math.floor(random() * 3),
      };
      expect(logMessageRequestJson(input)).toBe(JSON.stringify(buildLogMessageRequest(input)));
    }
  });
});
