import { describe, expect, it } from 'vitest';
import { JsonNumber, NOT_JSON, compactJson, formatDecimal, jsonEquals, jsonKind, parseJson, parseKeepingLiterals } from '../../src/checks/jsonValue.ts';
import { seededRandom } from '../../src/util/random.ts';
import type { Random } from '../../src/util/random.ts';

const NUMBER_LITERALS = [
  '0',
  '7',
  '-3',
  '123456789012345',
  '1234567890123456',
  '9007199254740993',
  '12345678901234567890',
  '-9223372036854775809',
  '1.0',
  '1.5',
  '-0.25',
  '1e3',
  '1E3',
  '2.5e-3',
  '1e+21',
  '0.1',
];
const STRINGS = ['', 'abc', 'a\\"b', 'back\\\\', '\\\\\\"', 'x: 1.5e3, \\"y\\"', 'नमस्ते 🙏', '\\u00e9', 'tab\\tnew\\nline', '1.0', 'true'];

function randomJson(random: Random, depth: number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const roll = random();
  if (depth > 3 || roll < 0.45) return pick([...NUMBER_LITERALS, ...STRINGS.map((s) => `"${s}"`), 'true', 'false', 'null']);
  const space = () => pick(['', ' ', '\n  ']);
  if (roll < 0.7) return `[${space()}${Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1)).join(`,${space()}`)}${space()}]`;
  return `{${space()}${Array.from({ length: Math.floor(random() * 4) }, (_, i) => `"${pick(STRINGS)}${i}"${space()}:${space()}${randomJson(random, depth + 1)}`).join(`,${space()}`)}${space()}}`;
}

/** Every number in a value, with whether it was kept as a literal. */
function numbers(value: unknown, out: (number | JsonNumber)[] = []): (number | JsonNumber)[] {
  if (typeof value === 'number' || value instanceof JsonNumber) out.push(value);
  else if (Array.isArray(value)) for (const item of value) numbers(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) numbers(item, out);
  return out;
}

describe("JSON values with the reference engine's numbers", () => {
  it('tells integers from decimals by their literal, and keeps integers past 2^53', () => {
    const parsed = parseJson('{"a": 1, "b": 1.0, "c": 1e3, "d": 12345678901234567890, "e": 1.5, "f": -7, "g": 99999999999999999999999}') as Record<
      string,
      unknown
    >;
    expect(Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, jsonKind(value)]))).toEqual({
      a: 'integer',
      b: 'decimal',
      c: 'decimal',
      d: 'integer',
      e: 'decimal',
      f: 'integer',
      g: 'decimal',
    });
    expect(compactJson(parsed)).toBe('{"a":1,"b":1.0,"c":1000.0,"d":12345678901234567890,"e":1.5,"f":-7,"g":1e23}');
    expect(jsonEquals(parseJson('{"x":1,"y":[1,2]}'), parseJson('{"y":[1,2],"x":1}'))).toBe(true);
    expect(jsonEquals(parseJson('1'), parseJson('1.0'))).toBe(false);
    expect(jsonEquals(parseJson('1.5'), parseJson('1.50'))).toBe(true);
    expect(jsonEquals(parseJson('9007199254740993'), parseJson('9007199254740992'))).toBe(false);
    expect([1000, 0.0025, 1e21, 1.5e-7, 1.5].map(formatDecimal)).toEqual(['1000.0', '0.0025', '1e21', '1.5e-7', '1.5']);
  });

  it('is not fooled by number-like text inside strings, quotes and backslashes included', () => {
    expect(numbers(parseJson('{"t":"12:41:27.980Z","q":"a\\\\","n":5,"s":"say \\"1.0\\"","m":7}'))).toEqual([5, 7]);
    expect(numbers(parseJson('{"q":"a\\\\","n":1.0}'))).toEqual([new JsonNumber('1.0')]);
    expect(parseJson('{"a": tru}')).toBe(NOT_JSON);
    expect(parseJson('')).toBe(NOT_JSON);
  });

  it('gives the same value on its fast path as the literal-keeping parser, on 5,000 generated texts', () => {
    const random = seededRandom(31);
    for (let i = 0; i < 5000; i++) {
      const text = randomJson(random, 0);
      JSON.parse(text);
      const fast = parseJson(text);
      const slow = parseKeepingLiterals(text);
      expect(fast, text).toEqual(slow);
      // Every number's kind is the one its literal gives, as serde_json reads it.
      for (const value of numbers(slow)) {
        const literal = value instanceof JsonNumber ? value.text : String(value);
        const integer = /^-?\d+$/.test(literal) && BigInt(literal) >= -(2n ** 63n) && BigInt(literal) < 2n ** 64n;
        expect(jsonKind(value), literal).toBe(integer ? 'integer' : 'decimal');
      }
    }
  });
});
