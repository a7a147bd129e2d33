import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { messageRowSchema, userRowSchema } from '../../src/feed/rowSchemas.ts';
import type { UserRow } from '../../src/feed/rowSchemas.ts';
import { inMemorySource, readAllRows } from '../../src/feed/rowSource.ts';
import { scanCsv } from '../../src/feed/scanCsv.ts';
import { tempDir } from '../fixtures/tempFiles.ts';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DRAIN_SCRIPT = fileURLToPath(new URL('../fixtures/drainUsers.ts', import.meta.url));

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 110_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

let files: ReturnType<typeof tempDir>;
beforeEach(() => (files = tempDir()));
afterEach(() => files.cleanup());

const rows = (ids: string, weights: number[] = []): UserRow[] =>
  ids.split('').map((id, i) => ({ auth_id: id, weight: weights[i] ?? 1, business_id: undefined, expect: undefined }));
const take = <T>(source: { next(): T | string }, n: number) => Array.from({ length: n }, () => source.next());

describe('in-memory feeds', () => {
  it('sequence cycles in file order, giving each row `weight` turns', () => {
    const source = inMemorySource(rows('abc', [1, 2, 1]), 'sequence', 1);
    expect(take(source, 8).map((r) => (typeof r === 'string' ? r : r.auth_id))).toEqual(['a', 'b', 'b', 'c', 'a', 'b', 'b', 'c']);
  });

  it('once stops after the last row', () => {
    const source = inMemorySource(rows('ab'), 'once', 1);
    expect(take(source, 3).map((r) => (typeof r === 'string' ? r : r.auth_id))).toEqual(['a', 'b', 'exhausted']);
  });

  it('random follows the weights and replays under the same seed', () => {
    const draws = take(inMemorySource(rows('ab', [1, 3]), 'random', 7), 20_000).map((r) => (r as UserRow).auth_id);
    const shareB = draws.filter((id) => id === 'b').length / draws.length;
    expect(shareB).toBeGreaterThan(0.72);
    expect(shareB).toBeLessThan(0.78);
    expect(take(inMemorySource(rows('ab', [1, 3]), 'random', 7), 20_000).map((r) => (r as UserRow).auth_id)).toEqual(draws);
  });
});

describe('CSV validation', () => {
  it('lists every bad row with file and line', async () => {
    const file = files.write('users.csv', 'auth_id,weight,expect\nalice,1,\n,2,\nbob,zero,\ncarol,1,999\n"multi\nline",1,\n');
    const error = await scanCsv(file, userRowSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const problems = (error as UserError).problems.join('\n');
    expect(problems).toContain(`${file}:3: auth_id`);
    expect(problems).toContain(`${file}:4: weight: expected a whole number from 1 to 1000, got "zero"`);
    expect(problems).toContain(`${file}:5: expect: expected a whole number from 100 to 599, got "999"`);
    expect(problems).toContain(`${file}:7: auth_id`);
    expect((error as UserError).message).toContain('4 bad rows');
    // Blank lines are skipped, and still counted.
    const spaced = files.write('spaced.csv', 'auth_id,weight\nalice,1\n\n\nbob,zero\n');
    const spacedError = await scanCsv(spaced, userRowSchema).catch((e: unknown) => e);
    expect((spacedError as UserError).problems).toEqual([`${spaced}:5: weight: expected a whole number from 1 to 1000, got "zero"`]);
  });

  it('names the same lines in a Windows (CRLF) file as in a Unix one, quoted line breaks included', async () => {
    const unix = 'auth_id,weight,expect\nalice,1,\n,2,\n"multi\nline",1,\n"three\nline\nname",zero,\nbob,zero,\n"open\n';
    const lines: string[][] = [];
    for (const [name, text] of [
      ['unix.csv', unix],
      ['windows.csv', unix.replaceAll('\n', '\r\n')],
    ] as const) {
      const file = files.write(name, text);
      const error = (await scanCsv(file, userRowSchema).catch((e: unknown) => e)) as UserError;
      lines.push([error.message, ...error.problems].map((line) => line.replace(file, 'FILE')).map((line) => line.replace(/^(FILE:\d+).*/s, '$1')));
    }
    // The quote opened on line 10 is never closed: the scan stops there (the rows before it are not judged).
    expect(lines[0]).toEqual(['FILE:10']);
    expect(lines[1]).toEqual(lines[0]);
    for (const [name, text] of [
      ['unix-ok.csv', unix.slice(0, unix.lastIndexOf('"open'))],
      ['windows-ok.csv', unix.slice(0, unix.lastIndexOf('"open')).replaceAll('\n', '\r\n')],
    ] as const) {
      const file = files.write(name, text);
      const error = (await scanCsv(file, userRowSchema).catch((e: unknown) => e)) as UserError;
      expect(
        error.problems.map((problem) => problem.replace(file, 'FILE').replace(/^(FILE:\d+: \w+).*/s, '$1')),
        name,
      ).toEqual(['FILE:3: auth_id', 'FILE:5: auth_id', 'FILE:8: auth_id', 'FILE:8: weight', 'FILE:9: weight']);
    }
    // The values keep their line breaks as written.
    const messages = files.write('m.csv', 'message_body\r\n"two\r\nlines"\r\nnext\r\n');
    expect((await readAllRows(messages, messageRowSchema)).map((r) => r.message_body)).toEqual(['two\r\nlines', 'next']);
  });

  it('rejects a file with a header only, and an unclosed quote with its line', async () => {
    await expect(scanCsv(files.write('empty.csv', 'auth_id\n'), userRowSchema)).rejects.toThrow(/no data rows/);
    await expect(scanCsv(files.write('quote.csv', 'auth_id\nalice\n\n"bob\ncarol\n'), userRowSchema)).rejects.toThrow(
      /quote\.csv:4: a quoted field opened on this line is never closed$/,
    );
  });

  it('reads unicode, quoted commas and quoted newlines', async () => {
    const file = files.write('m.csv', 'message_body,weight\n"hi, there",2\nनमस्ते 🙏\n"two\nlines"\n');
    expect((await readAllRows(file, messageRowSchema)).map((r) => [r.message_body, r.weight])).toEqual([
      ['hi, there', 2],
      ['नमस्ते 🙏', 1],
      ['two\nlines', 1],
    ]);
  });
});

describe('streamed feed of a large CSV', () => {
  it('streams 1,000,000 rows in order and cycles, within a 64 MB heap that could not hold them', async () => {
    const lines = ['auth_id'];
    for (let i = 0; i < 1_000_000; i++) lines.push(`user${i}`);
    const file = files.write('big.csv', `${lines.join('\n')}\n`);
    // Holding the rows would need far more than 64 MB of old space: the child would die of OOM.
    const result = await runNode(['--max-old-space-size=64', '--import', 'tsx', DRAIN_SCRIPT, file, '1000010']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('ok 1000010 rows in order');
  }, 120_000);
});
