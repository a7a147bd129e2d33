import { parse } from 'junit2json';
import type { TestSuites } from 'junit2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { junitXml, summaryJson } from '../../src/report/ciOutputs.ts';
import { compareRuns } from '../../src/report/compare.ts';
import type { Comparison } from '../../src/report/compare.ts';
import { loadReportAssets } from '../../src/report/html/assets.ts';
import type { ReportAssets } from '../../src/report/html/assets.ts';
import { renderReportHtml } from '../../src/report/html/renderHtml.ts';
import type { RunResult } from '../../src/report/resultModel.ts';
import { formatSummary } from '../../src/report/terminal.ts';
import { judgeRun } from '../../src/report/verdict.ts';
import { nullIdViolations, seededLatenciesMs, syntheticRun } from '../fixtures/runResults.ts';

let assets: ReportAssets;
beforeAll(async () => {
  assets = await loadReportAssets();
});

const fast = () => syntheticRun({ latenciesMs: seededLatenciesMs(3000, 20) });
const slow = () => syntheticRun({ latenciesMs: seededLatenciesMs(3000, 30) });

function withContract(run: RunResult, violating: number, thresholds: RunResult['thresholds']): RunResult {
  const contractViolations = nullIdViolations(run.overall.requests.completed, violating);
  return {
    ...run,
    passed: thresholds.every((t) => t.passed !== false),
    contract: { pactFile: 'pacts/x.json', sampleShare: 1, clockSkewMs: 2000, statuses: [200, 401, 403], reference: null },
    overall: { ...run.overall, contractViolations },
    thresholds,
  };
}

const implicitContract = (violating: number): RunResult['thresholds'][number] => ({
  expr: 'contractViolations == 0',
  phase: null,
  abortOnFail: false,
  operator: '==',
  limit: 0,
  unit: 'count',
  actual: violating,
  passed: violating === 0,
  reason: null,
  implicit: true,
});

/** The cases of every exit code `load` and `report` give, and the verdict each must show. */
const CASES: { name: string; build: () => { run: RunResult; comparison?: Comparison }; word: string; exitCode: number; reason: RegExp }[] = [
  {
    name: 'all thresholds and the contract hold',
    build: () => ({ run: withContract(fast(), 0, [fast().thresholds[0]!, implicitContract(0)]) }),
    word: 'PASSED',
    exitCode: ExitCode.ok,
    reason: /Contract honoured by all 3,000/,
  },
  {
    name: 'a broken contract with no contract threshold of its own',
    build: () => ({ run: withContract(fast(), 42, [fast().thresholds[0]!, implicitContract(42)]) }),
    word: 'FAILED',
    exitCode: ExitCode.thresholdFailed,
    reason: /1 of 2 thresholds failed: contractViolations == 0 \(implicit\)/,
  },
  {
    name: 'the run regressed against its baseline',
    build: () => {
      const run = slow();
      return { run, comparison: compareRuns(run, fast()) };
    },
    word: 'REGRESSED',
    exitCode: ExitCode.regression,
    reason: /Regressed against the baseline: \d+ metrics beyond 10\.0%/,
  },
  {
    name: 'a failed threshold beats a regression',
    build: () => {
      const base = slow();
      const run = { ...base, passed: false, thresholds: [{ ...base.thresholds[0]!, limit: 1, passed: false }] };
      return { run, comparison: compareRuns(run, fast()) };
    },
    word: 'FAILED',
    exitCode: ExitCode.thresholdFailed,
    reason: /1 of 1 thresholds failed: p99 < 250ms/,
  },
  {
    name: 'an interrupted run, even one that regressed',
    build: () => {
      const run = { ...slow(), aborted: true, interrupted: true, passed: false, abortReason: 'interrupted (SIGINT)' };
      return { run, comparison: compareRuns(run, fast()) };
    },
    word: 'INTERRUPTED',
    exitCode: ExitCode.interrupted,
    reason: /Interrupted: interrupted \(SIGINT\)/,
  },
];

describe('the verdict', () => {
  it.each(CASES)('$name: $word, exit $exitCode, alike in banner, title, terminal, JUnit and summary JSON', async ({ build, word, exitCode, reason }) => {
    const { run, comparison } = build();
    const verdict = judgeRun(run, comparison);
    expect(verdict).toMatchObject({ word, exitCode });
    expect(verdict.reasons.join('\n')).toMatch(reason);

    const page = renderReportHtml(run, assets, comparison && { result: fast(), comparison });
    expect(page).toContain(`data-verdict="${word}" data-exit-code="${exitCode}"`);
    expect(page).toContain(`<title>${word} ·`);
    const banner = /<ul class="verdict-reasons">([\s\S]*?)<\/ul>/.exec(page)![1]!;
    expect(banner.match(/<li>/g)).toHaveLength(verdict.reasons.length);

    expect(formatSummary(run, verdict).split('\n')[1]).toMatch(new RegExp(`^${word} {2}synthetic against .* exit ${exitCode}$`));

    const junit = (await parse(await junitXml(run, verdict, comparison))) as TestSuites;
    const failures = junit!.testsuite!.flatMap((suite) => suite.testcase ?? []).filter((testCase) => (testCase.failure ?? []).length > 0);
    expect(junit!.testsuite![0]!.properties).toEqual(
      expect.arrayContaining([
        { name: 'verdict', value: word },
        { name: 'exitCode', value: exitCode },
      ]),
    );
    // The JUnit file fails exactly when the exit code says the run failed.
    expect(failures.length > 0).toBe(exitCode !== ExitCode.ok);

    expect(JSON.parse(summaryJson(run, verdict, {}, comparison))).toMatchObject({
      verdict: word,
      exitCode,
      regressed: comparison ? comparison.regressed : null,
    });
  });

  it('a relaxed contract threshold lets a few violations pass, and says how many there were', () => {
    const relaxed = {
      ...implicitContract(0),
      expr: 'contractViolationRate < 1%',
      operator: '<' as const,
      limit: 0.01,
      unit: 'ratio' as const,
      actual: 5 / 3000,
      passed: true,
      implicit: false,
    };
    const run = withContract(fast(), 5, [relaxed]);
    const verdict = judgeRun(run);
    expect(verdict.word).toBe('PASSED');
    expect(verdict.reasons).toContain('Contract broken by 5 of 3,000 checked responses (0.167%)');
  });

  it('never reads "honoured by all 0 checked responses": with none checked the contract was not judged', () => {
    const failed = { ...implicitContract(0), actual: null, passed: false, reason: 'no response was checked against the pact in the whole run' };
    const base = withContract(fast(), 0, [failed]);
    const run: RunResult = {
      ...base,
      overall: { ...base.overall, contractViolations: { ...base.overall.contractViolations!, checked: 0, count: 0, rate: 0 } },
    };
    const verdict = judgeRun(run);
    expect(verdict.word).toBe('FAILED');
    expect(verdict.reasons).toContain('Contract not judged: no response was checked against the pact');
    expect(verdict.reasons.join('\n')).not.toMatch(/honoured/);
    expect(renderReportHtml(run, assets)).toContain('No response was checked against the pact: the contract was not judged.');
  });

  it('phases that never ran are named, and their thresholds shown as not evaluated', async () => {
    const base = fast();
    const notRun = { ...base.phases[0]!, name: 'later', ran: false };
    const run: RunResult = {
      ...base,
      aborted: true,
      interrupted: true,
      passed: false,
      phases: [base.phases[0]!, notRun],
      thresholds: [...base.thresholds, { ...base.thresholds[0]!, phase: 'later', actual: null, passed: null }],
    };
    const verdict = judgeRun(run);
    expect(verdict.reasons).toContain('Not run: later (their thresholds were not evaluated)');
    expect(verdict.reasons).toContain('All 1 evaluated thresholds passed');
    const page = renderReportHtml(run, assets);
    expect(page).toMatch(/<span class="badge badge-skip">not evaluated<\/span>[\s\S]*?<td>later<\/td>[\s\S]*?<td class="num">–<\/td>/);
    const junit = (await parse(await junitXml(run, verdict))) as TestSuites;
    const skipped = junit!.testsuite![0]!.testcase!.filter((testCase) => testCase.classname === 'synthetic.thresholds' && testCase.skipped !== undefined);
    expect(skipped.map((testCase) => testCase.name)).toEqual(['p99 < 250ms [later]']);
  });

  it('warns when the baseline ran another scenario or another duration scale', () => {
    const baseline = { ...fast(), durationScale: 0.1, scenario: { ...fast().scenario, name: 'smoke' } };
    const comparison = compareRuns(fast(), baseline);
    expect(comparison.warnings).toEqual([
      'the baseline ran scenario "smoke", this run "synthetic"',
      'the baseline ran at --duration-scale 0.1, this run at 1: phase lengths differ, so rates and tails are not like for like',
    ]);
    expect(judgeRun(fast(), comparison).reasons.filter((reason) => reason.startsWith('Warning: '))).toHaveLength(2);
  });
});
