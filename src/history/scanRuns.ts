// Finds every run under a folder: its index-entry.json, or (for runs written before entries were)
// its result.json; a folder whose files cannot be read is listed as unreadable, with why.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseStoredResult } from '../report/readResult.ts';
import { judgeRun } from '../report/verdict.ts';
import { UserError } from '../errors.ts';
import { INDEX_ENTRY_FILE, entryOf, indexEntrySchema } from './indexEntry.ts';
import type { IndexEntry } from './indexEntry.ts';

/** A run found under the indexed folder: its folder relative to it (`/`-separated), and its entry or why it has none. */
export type FoundRun = { dir: string; entry: IndexEntry } | { dir: string; unreadable: string };

/** Folders below the indexed one that are looked into: a run folder, or a folder of runs (shards, a merge). */
const MAX_DEPTH = 3;
const RUN_FILES = [INDEX_ENTRY_FILE, 'result.json', 'shard.json'];

export async function scanRuns(indexDir: string): Promise<FoundRun[]> {
  const root = resolve(indexDir);
  const found: FoundRun[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    if (names.some((name) => RUN_FILES.includes(name))) {
      found.push(await readRun(root, dir, names));
      return;
    }
    if (depth >= MAX_DEPTH) return;
    await Promise.all(
      names.map(async (name) => {
        if (name.startsWith('.')) return;
        const path = join(dir, name);
        if ((await stat(path).catch(() => undefined))?.isDirectory()) await visit(path, depth + 1);
      }),
    );
  };
  await visit(root, 0);
  return found;
}

async function readRun(root: string, dir: string, names: readonly string[]): Promise<FoundRun> {
  const where = relative(root, dir).split(sep).join('/') || '.';
  try {
    if (names.includes(INDEX_ENTRY_FILE)) {
      const parsed = indexEntrySchema.safeParse(JSON.parse(await readFile(join(dir, INDEX_ENTRY_FILE), 'utf8')));
      if (parsed.success) return { dir: where, entry: parsed.data };
      if (!names.includes('result.json')) return { dir: where, unreadable: `${INDEX_ENTRY_FILE} is not an index entry (${parsed.error.issues[0]!.message})` };
    }
    if (names.includes('result.json')) {
      // Written before entries were (or its entry is damaged): judged again from its result, without the baseline a REGRESSED needed.
      const result = parseStoredResult(await readFile(join(dir, 'result.json'), 'utf8'), 'result.json');
      return { dir: where, entry: entryOf(result, judgeRun(result).word, 'run') };
    }
    return { dir: where, unreadable: 'a shard of a run split over machines (shard.json) that no merge here lists: npm run merge its shards to judge the run' };
  } catch (error) {
    if (error instanceof UserError) return { dir: where, unreadable: error.problems.length > 0 ? `${error.message}: ${error.problems[0]}` : error.message };
    if (error instanceof SyntaxError) return { dir: where, unreadable: `${INDEX_ENTRY_FILE} is not JSON (${error.message})` };
    return { dir: where, unreadable: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
}
