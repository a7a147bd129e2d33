import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadReportAssets } from './html/assets.ts';
import { renderReportHtml } from './html/renderHtml.ts';
import type { ReportBaseline } from './html/renderHtml.ts';
import { hgrmText } from './hgrm.ts';
import type { RunResult } from './resultModel.ts';

/** Creates `<reportsDir>/<scenario>-<UTC timestamp>/`, adding `-2`, `-3`... rather than overwrite a run. */
export async function createRunDir(reportsDir: string, scenarioName: string, startedAt: Date): Promise<string> {
  await mkdir(reportsDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (let attempt = 1; ; attempt++) {
    const dir = join(reportsDir, `${scenarioName}-${stamp}${attempt === 1 ? '' : `-${attempt}`}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The files a run leaves, by role. */
export interface RunFiles {
  result: string;
  hgrm: string;
  report: string;
}

/** Writes result.json, latency.hgrm and report.html into `dir`. */
export async function writeRunFiles(dir: string, result: RunResult, baseline?: ReportBaseline): Promise<RunFiles> {
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  const rendered = await writeReportFiles(dir, result, baseline);
  return { result: join(dir, 'result.json'), ...rendered };
}

/** Writes the files rendered from a result (latency.hgrm, report.html); result.json is left as it is. */
export async function writeReportFiles(dir: string, result: RunResult, baseline?: ReportBaseline): Promise<Omit<RunFiles, 'result'>> {
  const files = { hgrm: join(dir, 'latency.hgrm'), report: join(dir, 'report.html') };
  const assets = await loadReportAssets();
  await writeFile(files.hgrm, hgrmText(result));
  await writeFile(files.report, renderReportHtml(result, assets, baseline));
  return files;
}
