import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The scripts and styles inlined into every report (the report loads nothing from anywhere). */
export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  reportJs: string;
  reportCss: string;
}

const CLIENT_DIR = new URL('./client/', import.meta.url);

/** Reads uPlot's browser build from node_modules and the report's own script and styles. */
export async function loadReportAssets(): Promise<ReportAssets> {
  const uplotDist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  const [uplotJs, uplotCss, reportJs, reportCss] = await Promise.all([
    readFile(join(uplotDist, 'uPlot.iife.min.js'), 'utf8'),
    readFile(join(uplotDist, 'uPlot.min.css'), 'utf8'),
    readFile(new URL('report.js', CLIENT_DIR), 'utf8'),
    readFile(new URL('report.css', CLIENT_DIR), 'utf8'),
  ]);
  return { uplotJs, uplotCss, reportJs, reportCss };
}
