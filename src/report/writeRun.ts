import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { loadReportAssets } from './html/assets.ts';
import { renderReportHtml } from './html/renderHtml.ts';
import type { ReportBaseline } from './html/renderHtml.ts';
import { hgrmText } from './hgrm.ts';
import type { RunResult } from './resultModel.ts';

/** The UTC stamp run folders are named with: 20261124T035559Z. */
function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Creates `<reportsDir>/<scenario>[-x<scale>]-<UTC timestamp>/`, adding `-2`, `-3`... rather than
 * overwrite a run. A run shortened by --duration-scale says so in its name.
 */
export async function createRunDir(reportsDir: string, scenarioName: string, startedAt: Date, durationScale = 1): Promise<string> {
  await mkdir(reportsDir, { recursive: true });
  const scale = durationScale === 1 ? '' : `-x${durationScale}`;
  for (let attempt = 1; ; attempt++) {
    const dir = join(reportsDir, `${scenarioName}${scale}-${stampOf(startedAt)}${attempt === 1 ? '' : `-${attempt}`}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Makes `--out DIR` ready before any load is sent: refuses a folder that already holds files unless
 * `force`, creates it, and proves it writable, so a run never ends with nowhere to put its results.
 */
export async function prepareOutDir(dir: string, force: boolean): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new UserError(`--out ${dir}: ${error.code === 'ENOTDIR' ? 'is a file, not a folder' : `cannot be read (${error.code})`}`, {
      exitCode: ExitCode.badInput,
    });
  });
  if (entries.length > 0 && !force) {
    // A run's result first: it says at once what the folder holds.
    const shown = [...entries].sort((a, b) => Number(b === 'result.json') - Number(a === 'result.json') || a.localeCompare(b));
    throw new UserError(
      `--out ${dir} already holds files (${shown.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): a run never replaces another; choose a new folder or add --force`,
      {
        exitCode: ExitCode.badInput,
      },
    );
  }
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, '.write-probe'), 'probe\n');
    await rm(join(dir, '.write-probe'));
  } catch (error) {
    throw new UserError(`--out ${dir} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      exitCode: ExitCode.badInput,
      cause: error,
    });
  }
}

/**
 * Makes sure a file a flag names (`--junit`, `--summary-json`) can be written, before any load is
 * sent: not a folder, in a folder that exists and takes files. A run never ends with a verdict it
 * cannot write.
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  const file = resolve(path);
  const refuse = (problem: string, cause?: unknown) => new UserError(`${flag} ${file}: ${problem}`, { exitCode: ExitCode.badInput, cause });
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw refuse('is a folder: name a file (in it, or elsewhere)');
  const folder = dirname(file);
  const folderStats = await stat(folder).catch(() => undefined);
  if (!folderStats) throw refuse(`its folder ${folder} does not exist`);
  if (!folderStats.isDirectory()) throw refuse(`${folder} is not a folder`);
  const probe = join(folder, `.${basename(file)}.${process.pid}.probe`);
  try {
    await writeFileAtomic(probe, 'probe\n');
    await rm(probe, { force: true });
  } catch (error) {
    throw refuse(`cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  }
}

/** The files a run leaves, by role. */
export interface RunFiles {
  result: string;
  hgrm: string;
  report: string;
}

/** Writes result.json, latency.hgrm and report.html (with the comparison, when there is a baseline) into `dir`. */
export async function writeRunFiles(dir: string, result: RunResult, baseline?: ReportBaseline): Promise<RunFiles> {
  await writeFileAtomic(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  return { result: join(dir, 'result.json'), ...(await writeRendered(dir, result, baseline, 'report.html')) };
}

/**
 * Re-renders a stored run. Without a baseline it rewrites report.html and latency.hgrm; with one
 * the comparison goes to a file of its own, `report-vs-<baseline run>.html`, and the run's own
 * report is left as it was.
 */
export function rerenderRun(dir: string, result: RunResult, baseline?: ReportBaseline & { label: string }): Promise<Omit<RunFiles, 'result'>> {
  return writeRendered(dir, result, baseline, baseline ? `report-vs-${baseline.label}.html` : 'report.html');
}

/** The files rendered from a result: latency.hgrm, and the report under `reportName`. */
async function writeRendered(dir: string, result: RunResult, baseline: ReportBaseline | undefined, reportName: string): Promise<Omit<RunFiles, 'result'>> {
  const files = { hgrm: join(dir, 'latency.hgrm'), report: join(dir, reportName) };
  await writeFileAtomic(files.hgrm, hgrmText(result));
  await writeFileAtomic(files.report, renderReportHtml(result, await loadReportAssets(), baseline));
  return files;
}

/** Writes through a temporary file, flushed, then renamed: a crash or a full disk never leaves half a file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    // Nothing half-written is left behind, the temporary file included.
    await rm(temporary, { force: true });
    throw error;
  }
}
