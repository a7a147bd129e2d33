import type { Builder } from 'junit-report-builder';
import type { Comparison } from './compare.ts';
import { thresholdActualText } from './format.ts';
import { capacityShort } from './buildResult.ts';
import { capacityWords } from './capacityText.ts';
import type { RunResult } from './resultModel.ts';
import type { Verdict } from './verdict.ts';

/**
 * The verdict as JUnit XML, the way CI systems show test results: one test case per threshold
 * (not evaluated ones skipped), one for the contract, one for the baseline comparison when there is
 * one, and one for an interrupted or aborted run. A test case fails exactly when it moves the
 * verdict, so the file's failures agree with the exit code.
 */
export async function junitXml(result: RunResult, verdict: Verdict, comparison?: Comparison): Promise<string> {
  // Loaded only by a run asked for JUnit. The package is CommonJS whose default export is a builder
  // instance; its types describe an ES module.
  const junitReportBuilder = (await import('junit-report-builder')).default as unknown as Builder;
  const builder = junitReportBuilder.newBuilder().name('logmsg-harness');
  const suite = builder
    .testSuite()
    .name(`load ${result.scenario.name}`)
    .timestamp(result.startedAt)
    .time(result.overall.durationMs / 1000)
    .property('target', result.target.url)
    .property('verdict', verdict.word)
    .property('exitCode', String(verdict.exitCode))
    .property('durationScale', String(result.durationScale));

  for (const threshold of result.thresholds) {
    const name = `${threshold.expr} [${threshold.phase ?? 'whole run'}]${threshold.implicit ? ' (implicit)' : ''}`;
    const testCase = suite.testCase().className(`${result.scenario.name}.thresholds`).name(name);
    if (threshold.passed === null) testCase.skipped().standardOutput('not evaluated: the phase never ran');
    else {
      const actual = `actual ${thresholdActualText(threshold)}`;
      if (threshold.passed) testCase.standardOutput(actual);
      else testCase.failure(`${threshold.expr} failed: ${actual}`, 'threshold');
    }
  }

  const contractCase = suite.testCase().className(`${result.scenario.name}.contract`).name('responses honour the pact');
  const contract = result.overall.contractViolations;
  if (!result.contract || !contract) contractCase.skipped().standardOutput('contract checks were off (contract: false)');
  else {
    const kinds = contract.byKind.map((kind) => `${kind.rule} ${kind.path}: ${kind.count}`).join('\n');
    const summary = `${contract.count} of ${contract.checked} checked responses broke the contract${kinds ? `\n${kinds}` : ''}`;
    // An expression starts with its metric: `contractViolations == 0`, `contractViolationRate < 1%`.
    const failedContract = result.thresholds.some((t) => t.expr.startsWith('contractViolation') && t.passed === false);
    if (failedContract) contractCase.failure(summary.split('\n')[0], 'contract').standardOutput(summary);
    else contractCase.standardOutput(summary);
  }

  // A capacity search: one case for what it found, failed when its launch gate (atLeast) was missed.
  for (const phase of result.phases) {
    if (!phase.capacity) continue;
    const gate = phase.capacity.atLeastPerSec;
    const capacityCase = suite
      .testCase()
      .className(`${result.scenario.name}.capacity`)
      .name(gate === null ? `capacity of ${phase.name}` : `capacity of ${phase.name} >= ${gate}/s`);
    const words = capacityWords(phase);
    if (capacityShort(phase.capacity)) capacityCase.failure(words, 'capacity');
    capacityCase.standardOutput(words);
  }

  if (comparison) {
    const regressed = comparison.rows.filter((row) => row.regressed);
    const comparisonCase = suite
      .testCase()
      .className(`${result.scenario.name}.baseline`)
      .name(`no regression against ${comparison.baseline.scenario} of ${comparison.baseline.startedAt}`);
    const lines = [
      ...regressed.map((row) => `${row.scope} ${row.metric}: ${row.baseline} -> ${row.current}`),
      ...comparison.warnings.map((w) => `WARNING: ${w}`),
    ];
    if (regressed.length > 0) comparisonCase.failure(`${regressed.length} metrics regressed beyond the tolerance`, 'regression');
    if (lines.length > 0) comparisonCase.standardOutput(lines.join('\n'));
  }

  if (result.aborted) {
    suite
      .testCase()
      .className(`${result.scenario.name}.run`)
      .name('the run completed')
      .failure(result.abortReason ?? 'stopped early', result.interrupted ? 'interrupted' : 'aborted');
  }
  return builder.build();
}

/** A small JSON of the verdict and headline figures, for CI steps that want more than an exit code. */
export function summaryJson(result: RunResult, verdict: Verdict, files: Record<string, string>, comparison?: Comparison): string {
  const o = result.overall;
  const summary = {
    verdict: verdict.word,
    exitCode: verdict.exitCode,
    reasons: verdict.reasons,
    scenario: result.scenario.name,
    target: result.target.url,
    startedAt: result.startedAt,
    durationScale: result.durationScale,
    interrupted: result.interrupted,
    aborted: result.aborted,
    thresholds: result.thresholds.map((t) => ({
      expr: t.expr,
      phase: t.phase,
      implicit: t.implicit,
      passed: t.passed,
      actual: t.actual,
      unit: t.unit,
      reason: t.reason,
    })),
    requests: o.requests,
    achievedRate: o.achievedRate,
    errorRate: o.errorRate,
    latencyMs: { p50: o.latencyMs.p50, p90: o.latencyMs.p90, p99: o.latencyMs.p99, p999: o.latencyMs.p999, max: o.latencyMs.max },
    contract: o.contractViolations && { checked: o.contractViolations.checked, violating: o.contractViolations.count, rate: o.contractViolations.rate },
    capacity:
      result.phases
        .filter((phase) => phase.capacity)
        .map(({ name, capacity }) => ({
          phase: name,
          heldPerSec: capacity!.heldPerSec,
          failedPerSec: capacity!.failedPerSec,
          bound: capacity!.bound,
          atLeastPerSec: capacity!.atLeastPerSec,
          reason: capacity!.reason,
        }))[0] ?? null,
    regressed: comparison ? comparison.regressed : null,
    files,
  };
  return `${JSON.stringify(summary, null, 2)}\n`;
}
