import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { ExitCode, UserError } from '../errors.ts';

/** A record (a row, quoted newlines included) longer than this is not data we send: the file is refused, never buffered whole. */
export const MAX_CSV_RECORD_BYTES = 1024 * 1024;

/** The columns a file may have, and those it must have (the row schema's fields). */
export interface CsvColumns {
  known: readonly string[];
  required: readonly string[];
}

/** One CSV record with the file line it ends on (1-based, the header is line 1). */
export interface CsvRecord {
  line: number;
  record: Record<string, string>;
}

/**
 * Streams a headed CSV file record by record (constant memory whatever its size). Short rows are
 * passed on with the missing columns absent, so the row schema reports them; a malformed file
 * (unclosed quote, unreadable) throws a UserError naming the file and line.
 */
export async function* readCsvRecords(file: string, columns?: CsvColumns): AsyncGenerator<CsvRecord> {
  // csv-parse counts a CRLF inside a quoted field as two lines (there it reads the CR and the LF
  // one at a time; a CRLF that ends a record counts once): the lines counted twice so far are
  // taken off, so a Windows file with multi-line messages is named by its real lines.
  let doubleCounted = 0;
  /** The line the last record (or the header) ended on, and the blank lines skipped by then. */
  let lastLine = 1;
  let blankLinesThen = 0;
  /** A record (or the header) just ended with these values: the line it ended on. */
  const ended = (values: Record<string, string> | readonly string[]): number => {
    doubleCounted += crlfsIn(values);
    lastLine = parser.info.lines - doubleCounted;
    blankLinesThen = parser.info.empty_lines;
    return lastLine;
  };
  const parser = parse({
    columns: (header: string[]) => {
      ended(header);
      return checkedHeader(header, columns);
    },
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_CSV_RECORD_BYTES,
  });
  // csv-parse pushes each record the moment it ends, while `parser.info.lines` is the line it ends
  // on: the figure `info: true` would copy, with the parser's whole state, into a new object per
  // record (a third of the cost of streaming a users file, measured over 1,000,000 rows).
  const push = parser.push.bind(parser);
  parser.push = (record: Record<string, string> | null) => {
    if (record === null) return push(null);
    return push({ line: ended(record), record } satisfies CsvRecord);
  };
  createReadStream(file).pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) yield record;
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { lines?: number };
    const errorLine = err.lines === undefined ? undefined : err.lines - doubleCounted;
    if (err instanceof HeaderColumnsError)
      throw new UserError(`${file}:1: the header does not have the columns expected`, {
        exitCode: ExitCode.badInput,
        problems: err.problems.map((problem) => `${file}:1: ${problem}`),
      });
    if (err instanceof DuplicateColumnError)
      throw new UserError(`${file}:1: column "${err.column}" appears twice in the header (which one would count is a guess)`, { exitCode: ExitCode.badInput });
    if (err.code === 'ENOENT') throw new UserError(`${file}: no such file`, { exitCode: ExitCode.badInput, cause: error });
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      throw new UserError(`${file}:${errorLine ?? 1}: a record longer than ${MAX_CSV_RECORD_BYTES / 1024} KiB (is this a CSV file?)`, {
        exitCode: ExitCode.badInput,
      });
    }
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse names the file's last line; the quote opened on the first line of the record
      // after the last one read (past any blank lines).
      const line = lastLine + 1 + (parser.info.empty_lines - blankLinesThen);
      throw new UserError(`${file}:${line}: a quoted field opened on this line is never closed`, { exitCode: ExitCode.badInput });
    }
    if (err.code === 'EISDIR') throw new UserError(`${file}: is a directory, expected a CSV file`, { exitCode: ExitCode.badInput, cause: error });
    const where = errorLine === undefined ? file : `${file}:${errorLine}`;
    throw new UserError(`${where}: not a readable CSV file (${err.message})`, { exitCode: ExitCode.badInput, cause: error });
  } finally {
    parser.destroy();
  }
}

/** How many CRLFs the values hold (each inside a quoted field: csv-parse keeps them as they are). */
function crlfsIn(values: Record<string, string> | readonly string[]): number {
  let count = 0;
  for (const key in values) {
    const value = (values as Record<string, string | undefined>)[key];
    if (typeof value !== 'string') continue;
    for (let at = value.indexOf('\r\n'); at !== -1; at = value.indexOf('\r\n', at + 2)) count++;
  }
  return count;
}

class DuplicateColumnError extends Error {
  constructor(readonly column: string) {
    super(`duplicate column ${column}`);
  }
}

class HeaderColumnsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/**
 * The header's column names, trimmed; a name given twice is refused rather than one silently
 * winning. With `columns`, a column the rows do not know (`expected` for `expect`: its values would
 * be ignored) and a required one missing are refused once, for the header, not once per row.
 */
function checkedHeader(header: string[], columns: CsvColumns | undefined): string[] {
  const names = header.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new DuplicateColumnError(name);
    seen.add(name);
  }
  if (!columns) return names;
  const known = `known columns: ${columns.known.join(', ')}`;
  const problems = names.filter((name) => !columns.known.includes(name)).map((name) => `unknown column "${name}"${columnHint(name, columns.known)} (${known})`);
  for (const name of columns.required) if (!seen.has(name)) problems.push(`missing column "${name}" (required)`);
  if (problems.length > 0) throw new HeaderColumnsError(problems);
  return names;
}

/** What an unknown column name probably is: another case of a known one, or a header not split by commas. */
function columnHint(name: string, known: readonly string[]): string {
  if (/[;\t|]/.test(name)) return ': columns are separated by commas, not by ";", tabs or "|"';
  const sameLetters = known.find((column) => column.toLowerCase() === name.toLowerCase());
  if (sameLetters) return `: did you mean "${sameLetters}"? (names are case-sensitive)`;
  const prefixed = known.find((column) => name.startsWith(column) || column.startsWith(name));
  return prefixed ? `: did you mean "${prefixed}"?` : '';
}
