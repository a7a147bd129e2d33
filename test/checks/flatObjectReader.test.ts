import { describe, expect, it } from 'vitest';
import { FlatObjectReader, MAX_READ_BYTES } from '../../src/checks/flatObjectReader.ts';
import { NOT_JSON, isJsonObject } from '../../src/checks/jsonValue.ts';
import { ReceivedBody } from '../../src/checks/receivedBody.ts';
import { seededRandom } from '../../src/util/random.ts';
import type { Random } from '../../src/util/random.ts';

const KEYS = ['message_body', 'message_id', 'created_at', 'message_type', 'k'];

/** What the general path (decode, parseJson) makes of each key: its value, or undefined when absent or the body is no object. */
function generalValues(bytes: Buffer): { json: unknown; values: unknown[] } {
  const json = new ReceivedBody(bytes).json;
  return { json, values: KEYS.map((key) => (isJsonObject(json) && Object.hasOwn(json, key) ? json[key] : undefined)) };
}

/** The reader must read exactly what the general path reads, or leave the body to it (undefined). */
function agrees(reader: FlatObjectReader, bytes: Buffer): { read: boolean } {
  const members = reader.read(bytes);
  if (members === undefined) return { read: false };
  const general = generalValues(bytes);
  const shown = `${bytes.toString('latin1')} [${bytes.toString('hex')}]`;
  expect(general.json, shown).not.toBe(NOT_JSON);
  expect(isJsonObject(general.json), shown).toBe(true);
  expect(members.length, shown).toBe(KEYS.length);
  for (const [slot, key] of KEYS.entries()) expect(Object.is(members[slot], general.values[slot]), `${key} in ${shown}`).toBe(true);
  return { read: true };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** A value as JSON text: mostly what the reader reads, often what it must leave to the general path. */
function valueText(random: Random): string {
  const ascii = 'abcdefghijklmnopqrstuvwxyz ABC0123456789-:.T_,{}[]';
  const plain = () => Array.from({ length: Math.floor(random() * 40) }, () => pick(random, [...ascii])).join('');
  return pick(random, [
    () => JSON.stringify(plain()),
    () => JSON.stringify(plain()),
    () => `"${plain()}"`,
    () => JSON.stringify(`${plain()}${pick(random, ['é', '注文', '😀', '\uFFFD', '\\', '"', '\n', '\t', '\u0001', '\u007f'])}${plain()}`),
    () => `"${plain()}${pick(random, ['\n', '\t', '\u0001'])}"`, // a raw control character: not JSON
    () => `"${plain()}\\u00e9"`,
    () => String(Math.floor(random() * 1e6)),
    () => String(-Math.floor(random() * 1e6)),
    () => pick(random, ['0', '-0', '01', '-', '1.0', '1e3', '1E3', '2.5', '123456789012345', '1234567890123456', '99999999999999999999', '0.1e1']),
    () => pick(random, ['true', 'false', 'null', 'tru', 'nul', 'truex', 'True']),
    () => pick(random, ['{}', '[]', '{"a":1}', '[1,2]', '""']),
  ])();
}

/** A flat object (or something close to one) as JSON text, from the seeded `random`. */
function bodyText(random: Random): string {
  const count = Math.floor(random() * 6);
  const keys = Array.from({ length: count }, () => pick(random, [...KEYS, 'extra', 'message_idx', 'messag', 'MESSAGE_ID', 'message\\u005fid', 'é']));
  const space = () => (random() < 0.15 ? pick(random, [' ', '  ', '\n', '\t', '\r\n ']) : '');
  const members = keys.map((key) => `${space()}"${key}"${space()}:${space()}${valueText(random)}${space()}`);
  let text = `${space()}{${members.join(',')}}${space()}`;
  const damage = random();
  if (damage < 0.03) text = text.slice(0, Math.floor(random() * text.length));
  else if (damage < 0.05) text += pick(random, ['x', '}', ',', '{}']);
  else if (damage < 0.07) text = text.replace('}', ',}');
  else if (damage < 0.08) text = `\uFEFF${text}`;
  return text;
}

describe('FlatObjectReader', () => {
  it('reads the members of flat objects as the general path does', () => {
    const reader = new FlatObjectReader(KEYS);
    const bytes = Buffer.from(
      '{"message_id":1411200492,"message_body":"Hi, I need help with my order","message_type":0,"created_at":"2018-10-04T12:41:27.980Z","extra":true}',
    );
    expect(reader.read(bytes)).toEqual(['Hi, I need help with my order', 1411200492, '2018-10-04T12:41:27.980Z', 0, undefined]);
    expect(reader.read(Buffer.from(' { "k" : null , "message_body" : "注文 😀" } '))).toEqual(['注文 😀', undefined, undefined, undefined, null]);
    expect(reader.read(Buffer.from('{}'))).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(reader.read(Buffer.from('{"message_id":-0}'))?.[1]).toBe(-0);
  });

  it('leaves to the general path what it cannot read exactly', () => {
    const reader = new FlatObjectReader(KEYS);
    const declined = [
      '{"message_id":1.0}', // a decimal JavaScript would read as 1
      '{"message_id":1e3}',
      '{"message_id":1234567890123456}', // past 15 digits
      '{"message_id":01}', // not JSON
      '{"message_body":"a\\"b"}', // an escape
      '{"message_body":"a\nb"}', // a raw control character: not JSON
      '{"message_body":{"a":1}}', // nested
      '{"message_body":[1]}',
      '{"k":1,"k":2}', // a duplicate: JSON.parse keeps the last
      '{"message_id":1,}',
      '{"message_id":1} x',
      '[1]',
      '"text"',
      '',
      '\uFEFF{}',
    ];
    for (const text of declined) expect(reader.read(Buffer.from(text)), text).toBeUndefined();
    // Long bodies are mostly text, which JSON.parse reads faster.
    const longest = `{"k":"${'x'.repeat(MAX_READ_BYTES - 8)}"}`;
    expect(reader.read(Buffer.from(longest))?.[4]).toBe('x'.repeat(MAX_READ_BYTES - 8));
    expect(reader.read(Buffer.from(longest.replace('"}', 'x"}')))).toBeUndefined();
    // Bytes that are not UTF-8 are not JSON to the general path; the reader leaves them to it.
    const notUtf8 = Buffer.concat([Buffer.from('{"message_body":"ab'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(reader.read(notUtf8)).toBeUndefined();
    expect(new ReceivedBody(notUtf8).json).toBe(NOT_JSON);
    // A real U+FFFD is JSON: the general path reads it.
    expect(reader.read(Buffer.from('{"message_body":"\uFFFD"}'))).toBeUndefined();
  });

  it('finds a quote, backslash or control byte wherever it falls in a four-byte word', () => {
    const reader = new FlatObjectReader(KEYS);
    for (let before = 0; before < 12; before++) {
      const prefix = 'x'.repeat(before);
      expect(reader.read(Buffer.from(`{"k":"${prefix}","message_id":7}`))).toEqual([undefined, 7, undefined, undefined, prefix]);
      for (const stop of ['\\"', '\\\\', '\u0000', '\u001f', '\n'])
        expect(reader.read(Buffer.from(`{"k":"${prefix}${stop}yyyyyyyy"}`)), `${before} ${JSON.stringify(stop)}`).toBeUndefined();
      const high = `${prefix}é注`;
      expect(reader.read(Buffer.from(`{"k":"${high}yyyyy"}`))?.[4]).toBe(`${high}yyyyy`);
    }
  });

  it('gives each body its own texts when a server repeats or nearly repeats them', () => {
    const reader = new FlatObjectReader(KEYS);
    // Same length, differing in one byte at every place (within a word and in the tail), and lengths around the 32 bytes kept.
    for (const length of [1, 3, 4, 5, 24, 29, 31, 32, 33, 40]) {
      const base = 'a'.repeat(length);
      for (let at = 0; at < length; at++) {
        const changed = `${base.slice(0, at)}b${base.slice(at + 1)}`;
        for (const text of [base, changed, changed, base]) expect(reader.read(Buffer.from(`{"message_body":"${text}"}`))?.[0]).toBe(text);
      }
    }
    // Members in another order than last time are found all the same.
    expect(reader.read(Buffer.from('{"created_at":"t","message_id":2,"message_body":"m"}'))).toEqual(['m', 2, 't', undefined, undefined]);
    expect(reader.read(Buffer.from('{"message_body":"m","message_id":3,"created_at":"t"}'))).toEqual(['m', 3, 't', undefined, undefined]);
  });

  it('agrees with the general path on 20,000 generated bodies (seeded), and reads most flat ones', () => {
    const random = seededRandom(20261201);
    const reader = new FlatObjectReader(KEYS);
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = bodyText(random);
      // Now and then bytes that are not UTF-8, inside a string or between tokens.
      const bytes =
        random() < 0.03
          ? Buffer.concat([
              Buffer.from(text.slice(0, text.length >> 1)),
              Buffer.from([pick(random, [0x80, 0xc3, 0xff, 0xed])]),
              Buffer.from(text.slice(text.length >> 1)),
            ])
          : Buffer.from(text);
      // Some bodies sit in a larger buffer at an odd offset, as pooled Buffers do.
      const placed = random() < 0.5 ? bytes : Buffer.concat([Buffer.from('xyz'), bytes, Buffer.from('"}\\')]).subarray(3, 3 + bytes.length);
      if (agrees(reader, placed).read) read++;
    }
    expect(read).toBeGreaterThan(4_000);
    expect(read).toBeLessThan(18_000);
  });
});
