// Verdicts at the edges (issue #34): each run here once ended PASSED, or showed a figure that was
// not what happened. Servers are written here, on 127.0.0.1.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { latencyColumnFormat } from '../../src/report/format.ts';
import { cliTestFolder, editCliScenario, readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

const env = { HAPTIK_TOKEN: 'edge-token', HAPTIK_CLIENT_ID: 'edge-client' };
const files = cliTestFolder('auth_id\nalice01\nbob02\ncarol03\n');

const LATENCY_STATS = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** writeCliScenario's scenario with its text changed by `edit`. */
const editedScenario = (name: string, phases: string, extra: string, edit: (text: string) => string) => editCliScenario(files, name, phases, extra, edit);

/** The cells of one row of the terminal's phase table (`overall`, or a phase's name). */
function tableRow(stdout: string, name: string): string[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith(`${name} `));
  if (!line) throw new Error(`no table row "${name}" in:\n${stdout}`);
  return line.trim().split(/\s{2,}/);
}

describe('verdicts at the edges', () => {
  it('reports the rate a slow target really took, and fails achievedRate on it', async () => {
    // 5 connections to a server answering in 200 ms: at most 25 requests a second go out.
    const slow = await startHonestProvider((_n, _req, _res, honest) => {
      setTimeout(honest, 200);
      return true;
    });
    try {
      const out = join(files.dir, 'slow');
      const scenario = writeCliScenario(
        files,
        'slow',
        '  - { name: steady, duration: 2s, rate: 50, maxConnections: 5 }',
        'thresholds:\n  - { expr: achievedRate >= 49, phase: steady }',
      );
      const run = await runCliProcess(['load', scenario, '--target', slow.url, '--no-preflight', '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.thresholdFailed);
      const result = readRunResult(out);
      const steady = result.phases[0]!;
      expect(steady.achievedRate).toBeGreaterThan(18);
      expect(steady.achievedRate).toBeLessThan(30);
      expect(steady.targetRate).toBe(50);
      // The plan's rate, not the plan's count over time spent waiting for slow answers.
      expect(result.overall.targetRate).toBe(50);
      expect(result.thresholds[0]).toMatchObject({ passed: false });
      expect(result.thresholds[0]!.actual).toBeCloseTo(steady.achievedRate, 1);
      expect(run.stdout).toMatch(/FAIL\s+achievedRate >= 49 \[steady\]\s+actual 2\d\.\d\/s/);
    } finally {
      await slow.close();
    }
  });

  it('fails the thresholds of a phase that answered nothing, and moves on when a once feed runs out', async () => {
    const provider = await startHonestProvider();
    try {
      files.write('users.csv', 'auth_id\nalice01\nbob02\n');
      const out = join(files.dir, 'empty');
      const scenario = editedScenario(
        'empty',
        '  - { name: warm, duration: 3s, rate: 20 }\n  - { name: peak, duration: 3s, rate: 20 }',
        'thresholds:\n  - { expr: p99 < 50ms, phase: peak }\n  - { expr: errorRate < 1%, phase: peak }',
        (text) => text.replace('order: sequence', 'order: once'),
      );
      const startedMs = Date.now();
      const run = await runCliProcess(['load', scenario, '--target', provider.url, '--no-preflight', '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.thresholdFailed);
      // Two users, each once: the run ends when they ran out, not after 6 s of idling.
      expect(Date.now() - startedMs).toBeLessThan(5500);
      const result = readRunResult(out);
      expect(result.phases.map((p) => p.requests.sent)).toEqual([2, 0]);
      expect(result.phases[0]!.durationMs).toBeLessThan(1000);
      expect(result.thresholds.filter((t) => !t.implicit).map((t) => [t.passed, t.actual, t.reason])).toEqual([
        [false, null, 'no request was answered in peak'],
        [false, null, 'no request was answered in peak'],
      ]);
      expect(run.stdout).toMatch(/FAIL\s+p99 < 50ms \[peak\]\s+no request was answered in peak/);
    } finally {
      await provider.close();
    }
  });

  it('refuses a scenario whose phase schedules no request after --duration-scale (exit 2, nothing sent)', async () => {
    const scenario = writeCliScenario(files, 'tiny', '  - { name: steady, duration: 10s, rate: 1 }');
    const run = await runCliProcess(['load', scenario, '--duration-scale', '0.05', '--out', join(files.dir, 'tiny')]);
    expect(run.exitCode).toBe(ExitCode.badInput);
    expect(run.stderr).toMatch(/steady.*schedules no request in 500ms.*--duration-scale 0\.05/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails a run whose answers have a status the pact does not know (204), in every figure alike', async () => {
    const noContent = await startHonestProvider((_n, _req, res) => {
      res.writeHead(204);
      res.end();
      return true;
    });
    try {
      const out = join(files.dir, 'no-content');
      const scenario = writeCliScenario(files, 'nocontent', '  - { name: steady, duration: 1s, rate: 20 }');
      const run = await runCliProcess(['load', scenario, '--target', noContent.url, '--no-preflight', '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.thresholdFailed);
      const result = readRunResult(out);
      expect(result.passed).toBe(false);
      expect(result.overall.unexpected).toBe(20);
      expect(result.overall.errors.http).toEqual({ '204': 20 });
      expect(result.overall.contractViolations).toMatchObject({ checked: 20, count: 20 });
      expect(result.overall.contractViolations!.byKind).toEqual([{ rule: 'status', path: '$', source: 'pact', count: 20 }]);
      expect(run.stdout).not.toMatch(/Contract honoured/);
      expect(run.stdout).toMatch(/Contract broken by 20 of 20 checked responses/);
    } finally {
      await noContent.close();
    }
  });

  it('shows no latency of 0 for requests that got no answer: every figure is ∞ when all failed', async () => {
    const tooLarge = await startHonestProvider((_n, _req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"message_body":"${'x'.repeat(2000)}"}`);
      return true;
    });
    try {
      const out = join(files.dir, 'too-large');
      const scenario = editedScenario('toolarge', '  - { name: steady, duration: 1s, rate: 20 }', '', (text) =>
        text.replace('timeout: 2s', 'timeout: 2s, maxBodyBytes: 100'),
      );
      const run = await runCliProcess(['load', scenario, '--target', tooLarge.url, '--no-preflight', '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.thresholdFailed);
      const result = readRunResult(out);
      expect(result.overall.errors.bodyTooLarge, run.stdout).toBe(20);
      for (const stat of LATENCY_STATS) expect(result.overall.latencyMs[stat], stat).toBeNull();
      expect(tableRow(run.stdout, 'overall').slice(-5)).toEqual(['∞', '∞', '∞', '∞', '∞']);
      const page = readFileSync(join(out, 'report.html'), 'utf8');
      expect(page).toMatch(/<div class="card-label">p99<\/div><div class="card-value">∞<\/div>/);
      // No spectrum drawn at 0 for requests that got no answer.
      expect(page).toContain('No request was answered: there is no latency to draw');
      expect(page).not.toContain('id="chart-spectrum"');
    } finally {
      await tooLarge.close();
    }
  });

  it('shows one figure per percentile in result.json, the table, the headline and the thresholds when half the requests hang', async () => {
    // Every other request is never answered: it times out after 1 s.
    const halfHanging = await startHonestProvider((n) => n % 2 === 0);
    try {
      const out = join(files.dir, 'hanging');
      const thresholds = LATENCY_STATS.map((stat) => `  - ${stat === 'p999' ? 'p99.9' : stat} < 250ms`).join('\n');
      const scenario = editedScenario('hanging', '  - { name: steady, duration: 2s, rate: 20 }', `thresholds:\n${thresholds}`, (text) =>
        text.replace('timeout: 2s', 'timeout: 1s'),
      );
      const run = await runCliProcess(['load', scenario, '--target', halfHanging.url, '--no-preflight', '--out', out], { env });
      expect(run.exitCode).toBe(ExitCode.thresholdFailed);
      const result = readRunResult(out);
      expect(result.overall.errors.timeout).toBe(20);
      const figures = result.overall.latencyMs;
      // Half answered: the median is the slowest answer; everything above it got none.
      expect(figures.p50).not.toBeNull();
      for (const stat of ['p90', 'p99', 'p999', 'max'] as const) expect(figures[stat], stat).toBeNull();
      const format = latencyColumnFormat(LATENCY_STATS.map((stat) => figures[stat]));
      const shown = LATENCY_STATS.map((stat) => (figures[stat] === null ? '∞' : format(figures[stat]!)));
      expect(tableRow(run.stdout, 'overall').slice(-5)).toEqual(shown);
      expect(result.thresholds.filter((t) => !t.implicit).map((t) => t.actual)).toEqual(LATENCY_STATS.map((stat) => figures[stat]));
      expect(run.stdout).toMatch(/FAIL\s+p99 < 250ms\s+∞ \(too many requests got no answer\)/);
      const page = readFileSync(join(out, 'report.html'), 'utf8');
      expect(page).toMatch(/<div class="card-label">p99<\/div><div class="card-value">∞<\/div>/);
      expect(page).toContain('It draws the 20 answered requests: the 20 that got no answer (50.0% of those scheduled) lie beyond its right end, at ∞.');
    } finally {
      await halfHanging.close();
    }
  });

  it('checks --junit and --summary-json before any load: a missing folder or a folder given as the file exits 2 within seconds', async () => {
    let requests = 0;
    const provider = await startHonestProvider(() => {
      requests++;
      return false;
    });
    try {
      const scenario = writeCliScenario(files, 'outputs', '  - { name: steady, duration: 30s, rate: 10 }');
      const startedMs = Date.now();
      const junit = await runCliProcess(['load', scenario, '--target', provider.url, '--junit', '/nonexistent/dir/x.xml', '--out', join(files.dir, 'a')], {
        env,
      });
      expect(junit.exitCode).toBe(ExitCode.badInput);
      expect(junit.stderr).toMatch(/^error: --junit \/nonexistent\/dir\/x\.xml: its folder \/nonexistent\/dir does not exist/);
      const summary = await runCliProcess(['load', scenario, '--target', provider.url, '--summary-json', files.dir, '--out', join(files.dir, 'b')], { env });
      expect(summary.exitCode).toBe(ExitCode.badInput);
      expect(summary.stderr).toMatch(/^error: --summary-json .*: is a folder/);
      expect(`${junit.stderr}${summary.stderr}`).not.toMatch(/\n\s+at /);
      expect(Date.now() - startedMs).toBeLessThan(10_000);
      expect(requests).toBe(0);
      // Nothing left behind: no probe, no temporary file.
      expect(readdirSync(files.dir).filter((name) => /probe|\.tmp$/.test(name))).toEqual([]);
    } finally {
      await provider.close();
    }
  });

  it('refuses to re-render a result whose histogram is damaged, with exit 2 and no stack trace', async () => {
    const out = join(files.dir, 'run');
    const run = await runCliProcess(['load', writeCliScenario(files, 'damaged', '  - { name: steady, duration: 1s, rate: 10 }'), '--out', out]);
    expect(run.exitCode, run.stderr).toBe(ExitCode.ok);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { overall: { histogram: string } };
    result.overall.histogram = 'not base64 at all!';
    writeFileSync(join(out, 'result.json'), JSON.stringify(result));
    const report = await runCliProcess(['report', out]);
    expect(report.exitCode).toBe(ExitCode.badInput);
    expect(report.stderr).toMatch(/is not a valid run result\n {2}- overall\.histogram: not an HdrHistogram in compressed base64/);
    expect(report.stderr).not.toMatch(/\n\s+at /);
  });

  it('passes a provider that answers gzip when the scenario asks for it, checking the answers decoded and counting them', async () => {
    const acceptEncodings = new Set<string | undefined>();
    const gzipping = await startHonestProvider(async (n, req, res) => {
      acceptEncodings.add(req.headers['accept-encoding']);
      if (!String(req.headers['accept-encoding']).includes('gzip')) return false;
      const body = (await import('node:zlib')).gzipSync(
        JSON.stringify({ message_id: n, message_body: 'hello', created_at: new Date().toISOString(), message_type: 0 }),
      );
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(body);
      return true;
    });
    try {
      const out = join(files.dir, 'gzip');
      const scenario = editedScenario('gzip', '  - { name: steady, duration: 1s, rate: 20 }', '', (text) =>
        text.replace('timeout: 2s', 'timeout: 2s, acceptEncoding: "gzip, br"'),
      );
      const run = await runCliProcess(['load', scenario, '--target', gzipping.url, '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      expect([...acceptEncodings]).toEqual(['gzip, br']);
      const result = readRunResult(out);
      expect(result.overall.contractViolations).toMatchObject({ checked: 20, count: 0, contentEncodings: { gzip: 20 } });
      expect(run.stdout).toContain('compressed answers, checked decoded: gzip: 20');
    } finally {
      await gzipping.close();
    }
  });
});
