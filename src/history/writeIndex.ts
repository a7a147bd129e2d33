// Writes a folder's run history: index.json (the rows, for other tools) and index.html.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { loadReportAssets } from '../report/html/assets.ts';
import { writeFileAtomic } from '../report/writeRun.ts';
import { buildIndex } from './indexModel.ts';
import { loadIndexAssets, renderIndexHtml } from './indexPage.ts';
import { scanRuns } from './scanRuns.ts';

/** Indexes every run under `dir` (named `root` on the page, as the user named it); exit 2 when it is no folder or holds no run. */
export async function writeRunIndex(dir: string, root: string): Promise<{ runs: number; unreadable: number; html: string; json: string }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`${root}: no such folder to index`, { exitCode: ExitCode.badInput });
  const index = buildIndex(await scanRuns(dir), new Date());
  if (index.runs.length === 0)
    throw new UserError(`${root}: holds no run (a run folder has result.json; npm run load writes them under reports/)`, { exitCode: ExitCode.badInput });
  const files = { json: join(dir, 'index.json'), html: join(dir, 'index.html') };
  await writeFileAtomic(files.json, `${JSON.stringify(index, null, 2)}\n`);
  const assets = { ...(await loadReportAssets()), ...(await loadIndexAssets()) };
  await writeFileAtomic(files.html, renderIndexHtml(index, root, assets));
  const unreadable = index.runs.filter((row) => 'unreadable' in row).length;
  return { runs: index.runs.length - unreadable, unreadable, ...files };
}
