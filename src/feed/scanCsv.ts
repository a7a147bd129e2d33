import type { z } from 'zod';
import { ExitCode, UserError } from '../errors.ts';
import { readCsvRecords } from './csvRecords.ts';
import type { CsvColumns } from './csvRecords.ts';

/** The columns a row schema reads: all its fields, the required ones being those that cannot be absent. */
export function csvColumnsOf(schema: z.ZodObject): CsvColumns {
  const known = Object.keys(schema.shape);
  return { known, required: known.filter((key) => !(schema.shape[key] as z.ZodType).safeParse(undefined).success) };
}

/** At most this many bad rows are listed; the count of the rest is given. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * Reads a whole CSV once, streamed, validating every row against `schema` and passing each good
 * row to `visit`. Throws one UserError listing every bad row (file:line: field: problem), or one
 * with exit 130 as soon as `interrupt` fires.
 */
export async function scanCsv<S extends z.ZodObject>(
  file: string,
  schema: S,
  visit: (row: z.output<S>, line: number) => void = () => {},
  interrupt?: AbortSignal,
): Promise<{ rowCount: number }> {
  const problems: string[] = [];
  let badRows = 0;
  let rowCount = 0;
  for await (const { line, record } of readCsvRecords(file, csvColumnsOf(schema))) {
    // Checked per row: Ctrl-C during the validation of a huge file stops it within a chunk.
    if (interrupt?.aborted) throw new UserError(`interrupted while reading ${file} (line ${line}); no load was sent`, { exitCode: ExitCode.interrupted });
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      badRows++;
      if (problems.length < MAX_LISTED_PROBLEMS) {
        for (const issue of parsed.error.issues) problems.push(`${file}:${line}: ${issue.path.join('.') || '(row)'}: ${issue.message}`);
      }
      continue;
    }
    rowCount++;
    visit(parsed.data, line);
  }
  if (badRows > 0) {
    if (badRows > MAX_LISTED_PROBLEMS) problems.push(`... and ${badRows - MAX_LISTED_PROBLEMS} more bad rows`);
    throw new UserError(`${file}: ${badRows} bad row${badRows === 1 ? '' : 's'}`, { exitCode: ExitCode.badInput, problems });
  }
  if (rowCount === 0) throw new UserError(`${file}: no data rows (a header row and at least one row are needed)`, { exitCode: ExitCode.badInput });
  return { rowCount };
}
