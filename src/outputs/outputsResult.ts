import type { OutputReport } from './prometheusOutput.ts';

/** Every generator's reports of one receiver, as one: counts and missing time summed, the final push delivered only if every one was. */
export function outputsResult(reports: readonly OutputReport[]): { prometheus: OutputReport[] } {
  const byUrl = new Map<string, OutputReport>();
  for (const report of reports) {
    const known = byUrl.get(report.url);
    if (!known) byUrl.set(report.url, { ...report });
    else {
      known.pushes += report.pushes;
      known.failed += report.failed;
      known.lastError = report.lastError ?? known.lastError;
      known.missingMs += report.missingMs;
      known.finalDelivered &&= report.finalDelivered;
    }
  }
  return { prometheus: [...byUrl.values()] };
}

/** `prometheus output http://...: 3 of 20 pushes failed (connection refused); 15 s of samples missing`. */
export function describeOutput(report: OutputReport): string {
  if (report.failed === 0) return `prometheus output ${report.url}: ${report.pushes} pushes, all delivered`;
  const missing = `${Number((report.missingMs / 1000).toFixed(1))} s of samples missing`;
  const final = report.finalDelivered ? '' : '; the final push (exact totals) did not arrive: totals there are short';
  return `prometheus output ${report.url}: ${report.failed} of ${report.pushes} pushes failed (${report.lastError}); ${missing}${final}`;
}
