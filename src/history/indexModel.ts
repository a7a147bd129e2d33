// The rows of the run history, as index.json holds them and index.html shows them: newest first,
// a merge's shards under it, unreadable folders with their reason. Pure.
import { posix } from 'node:path';
import type { IndexEntry } from './indexEntry.ts';
import type { FoundRun } from './scanRuns.ts';

export type IndexRow =
  | (Omit<IndexEntry, 'report' | 'shards'> & {
      /** The run's folder, relative to the index. */
      dir: string;
      /** Its report, relative to the index; null for a shard. */
      report: string | null;
      /** A merge's shards, folders relative to the index. */
      shards: string[];
    })
  | { dir: string; unreadable: string };

export interface RunIndex {
  generatedAt: string;
  runs: IndexRow[];
}

export function buildIndex(found: readonly FoundRun[], generatedAt: Date): RunIndex {
  const rows: IndexRow[] = found.map((run) =>
    'unreadable' in run
      ? run
      : {
          ...run.entry,
          dir: run.dir,
          report: run.entry.report === null ? null : posix.join(run.dir, run.entry.report),
          shards: run.entry.shards.map((shard) => posix.normalize(posix.join(run.dir, shard))),
        },
  );
  // A merge's shards are shown with it, not as runs of their own.
  const merged = new Set(rows.flatMap((row) => ('shards' in row ? row.shards : [])));
  const listed = rows.filter((row) => !merged.has(row.dir));
  listed.sort((a, b) => {
    const aTime = 'startedAt' in a ? a.startedAt : '';
    const bTime = 'startedAt' in b ? b.startedAt : '';
    return bTime.localeCompare(aTime) || a.dir.localeCompare(b.dir);
  });
  return { generatedAt: generatedAt.toISOString(), runs: listed };
}
