import { rmdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors.ts';
import { createRunDir, prepareOutDir } from '../../report/writeRun.ts';

/**
 * Where a run's files go: `--out` (checked by the caller before anything runs), or a folder of
 * its own in reports/, created once the scenario is valid and before any load is sent, so a full
 * disk or a read-only reports/ is found at once, not after the run.
 */
export function runFolder(out: string | undefined, durationScale: number | undefined) {
  let dir = out ? resolve(out) : undefined;
  return {
    get dir(): string | undefined {
      return dir;
    },
    /** Creates reports/<name>-<UTC time>/ unless `--out` named the folder. */
    async prepare(name: string): Promise<void> {
      if (dir) return;
      dir = await createRunDir(resolve('reports'), name, new Date(), durationScale).catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`cannot create a run folder in ${resolve('reports')} (${error.code ?? error.message}); choose one with --out`, {
          exitCode: ExitCode.badInput,
        });
      });
      await prepareOutDir(dir, true);
    },
    /** A run that left no results removes the folder it created (never one `--out` named), when empty. */
    async discardIfEmpty(): Promise<void> {
      if (!out && dir) await rmdir(dir).catch(() => {});
    },
    /**
     * Runs the load (which prepares the folder before it sends), then `settled` however it ended;
     * a load that produced no results leaves no empty folder of its own behind.
     */
    async holding<T>(load: () => Promise<T>, settled: () => void): Promise<{ outcome: T; dir: string }> {
      let outcome: T;
      try {
        outcome = await load();
      } catch (error) {
        await this.discardIfEmpty();
        throw error;
      } finally {
        settled();
      }
      if (!dir) throw new Error('the run folder was not prepared before the load');
      return { outcome, dir };
    },
  };
}
