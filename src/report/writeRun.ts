import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  resultJson: string;
  hgrm: string;
}

/** Writes result.json and latency.hgrm into `dir`. */
export async function writeRunFiles(dir: string, result: RunResult): Promise<RunFiles> {
  const files: RunFiles = { resultJson: join(dir, 'result.json'), hgrm: join(dir, 'latency.hgrm') };
  await writeFile(files.resultJson, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(files.hgrm, hgrmText(result));
  return files;
}
