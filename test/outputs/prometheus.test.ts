// Live metrics into a real Prometheus (Debian's package, started here on 127.0.0.1 with its
// remote-write receiver on): what it holds after a run is held against result.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { LATENCY_BUCKETS_SECONDS } from '../../src/outputs/liveSeries.ts';
import { cliTestFolder, readRunResult } from '../fixtures/cliScenario.ts';
import { prometheusAvailability, startPrometheus } from '../fixtures/prometheus.ts';
import type { RunningPrometheus } from '../fixtures/prometheus.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

const { available, required } = prometheusAvailability();
if (!available && !required) console.warn('\n*** PROMETHEUS TESTS SKIPPED: /usr/bin/prometheus not found (apt-get install -y prometheus). ***\n');

const files = cliTestFolder(`auth_id\n${Array.from({ length: 50 }, (_, i) => `user${i}`).join('\n')}\n`);

/** Against the mock (2% injected 503s, so errors and contract violations have series), 1 s pushes. */
function scenario(writeUrl: string, mock = 'mock: { registerAll: true, latency: { fixed: 3ms }, errors: { share: 2%, status: 503 } }'): string {
  return files.write(
    'scenario.yml',
    `name: live-test
target: { url: mock }
users: { file: users.csv, order: sequence }
messages: { file: messages.csv }
phases:
  - { name: warm, duration: 2s, rate: 100 }
  - { name: peak, duration: 3s, rate: 200 }
thresholds:
  - errorRate < 10%
  - contractViolationRate < 10%
outputs:
  prometheus: { url: "${writeUrl}", interval: 1s, labels: { team: sre } }
${mock}
`,
  );
}

async function sentIn(prometheus: RunningPrometheus, runId: string): Promise<number> {
  const [total] = await prometheus.query(`sum(logmsg_requests_total{run_id="${runId}"})`);
  return total?.value ?? Number.NaN;
}

describe.runIf(available || required)('live metrics into Prometheus', () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    if (!available) throw new Error('HARNESS_REQUIRE_PROMETHEUS is set but /usr/bin/prometheus is missing: apt-get install -y prometheus');
    prometheus = await startPrometheus();
  });
  afterAll(async () => prometheus?.stop());

  it('hold what result.json holds: requests sent, labels on every series, the p99 in its bucket; every dashboard query returns data', async () => {
    const out = join(files.dir, 'one');
    let lastOutputMs = 0;
    const run = await runCliProcess(['load', scenario(prometheus.writeUrl), '--out', out], { onStdout: () => (lastOutputMs = performance.now()) });
    // The process ends with its summary: the final push left no timer behind (one kept it 4.5 s).
    expect(performance.now() - lastOutputMs).toBeLessThan(1000);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const result = readRunResult(out);
    const runId = result.runId!;
    expect(runId).toMatch(/^[0-9a-f]{12}$/);
    expect(run.stdout).toContain(`run_id ${runId}`);
    expect(result.outputs.prometheus).toEqual([
      { url: prometheus.writeUrl, pushes: expect.any(Number), failed: 0, lastError: null, missingMs: 0, finalDelivered: true },
    ]);
    expect(await sentIn(prometheus, runId)).toBe(result.overall.requests.sent);
    const byOutcome = await prometheus.query(`sum by (outcome) (logmsg_requests_total{run_id="${runId}"})`);
    expect(Object.fromEntries(byOutcome.map((one) => [one.metric.outcome, one.value]))).toEqual({
      ok: result.overall.statusCounts['200'],
      http_5xx: result.overall.errors.http['503'],
    });
    const [violating] = await prometheus.query(`sum(logmsg_contract_violating_responses_total{run_id="${runId}"})`);
    expect(violating!.value).toBe(result.overall.contractViolations!.count);

    // Every series carries scenario, run_id, phase and generator, and the scenario's own labels.
    const series = await prometheus.series(`{run_id="${runId}"}`);
    expect(series.length).toBeGreaterThan(100);
    for (const labels of series) {
      expect(labels).toMatchObject({ scenario: 'live-test', run_id: runId, generator: 'main', team: 'sre' });
      expect(['warm', 'peak']).toContain(labels.phase);
    }

    // The bucket where the 99th percentile of all answered requests falls holds result.json's p99.
    const buckets = await prometheus.query(`sum by (le) (logmsg_request_duration_seconds_bucket{run_id="${runId}"})`);
    const cumulative = new Map(buckets.map((one) => [one.metric.le, one.value]));
    const total = cumulative.get('+Inf')!;
    expect(total).toBe(
      result.overall.requests.completed - Object.entries(result.overall.errors).reduce((sum, [kind, n]) => (kind === 'http' ? sum : sum + (n as number)), 0),
    );
    const index = LATENCY_BUCKETS_SECONDS.findIndex((bound) => cumulative.get(String(bound))! >= 0.99 * total);
    const p99Seconds = result.overall.answeredLatencyMs.p99 / 1000;
    // result.json's p99 is HdrHistogram's (3 significant digits, the top of its sub-bucket): a hair above is the same value.
    expect(p99Seconds).toBeLessThanOrEqual(LATENCY_BUCKETS_SECONDS[index]! * 1.001);
    expect(p99Seconds).toBeGreaterThan((LATENCY_BUCKETS_SECONDS[index - 1] ?? 0) * 0.999);

    // The shipped dashboard: each query, on this run, returns data.
    const dashboard = JSON.parse(readFileSync('docs/grafana/logmsg-harness.json', 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const queries = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })));
    expect(queries.length).toBeGreaterThanOrEqual(12);
    for (const { panel, expr } of queries) {
      const concrete = expr.replaceAll('$scenario', 'live-test').replaceAll('$run_id', runId).replaceAll('$__rate_interval', '1m');
      const answer = await prometheus.query(concrete);
      expect(answer.length, `${panel}: ${concrete}`).toBeGreaterThan(0);
      expect(
        answer.some((one) => Number.isFinite(one.value)),
        `${panel}: ${concrete}`,
      ).toBe(true);
    }
  });

  it('from every worker: two workers push what one process does, each as its own generator', async () => {
    const out = join(files.dir, 'workers');
    const run = await runCliProcess(['load', scenario(prometheus.writeUrl), '--out', out, '--workers', '2']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const result = readRunResult(out);
    expect(await sentIn(prometheus, result.runId!)).toBe(result.overall.requests.sent);
    const generators = await prometheus.query(`sum by (generator) (logmsg_requests_total{run_id="${result.runId}"})`);
    expect(generators.map((one) => one.metric.generator).sort()).toEqual(['worker0', 'worker1']);
    expect(result.outputs.prometheus[0]).toMatchObject({ failed: 0, finalDelivered: true });
  });

  it('never changes the run when the receiver dies: same verdict and figures, and the loss is told', async () => {
    const doomed = await startPrometheus();
    const out = join(files.dir, 'killed');
    let killed = false;
    const run = await runCliProcess(['load', scenario(doomed.writeUrl, 'mock: { registerAll: true, latency: { fixed: 3ms } }'), '--out', out], {
      onStdout: (text) => {
        if (!killed && /\[\s+2s\]/.test(text)) {
          killed = true;
          doomed.kill();
        }
      },
    });
    await doomed.stop();
    expect(killed).toBe(true);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const result = readRunResult(out);
    expect(result.passed).toBe(true);
    expect(result.overall.requests.sent).toBe(200 + 600);
    const [report] = result.outputs.prometheus;
    expect(report!.failed).toBeGreaterThan(0);
    expect(report!.finalDelivered).toBe(false);
    expect(report!.missingMs).toBe(report!.failed * 1000);
    expect(run.stdout).toMatch(
      new RegExp(
        `prometheus output ${doomed.writeUrl.replace(/[.]/g, '\\.')}: ${report!.failed} of ${report!.pushes} pushes failed \\(.+\\); ${report!.failed} s of samples missing`,
      ),
    );
  });

  it('refuses a malformed output before any load (exit 2)', async () => {
    const file = scenario(prometheus.writeUrl);
    const bad = await runCliProcess(['load', file, '--output', 'prometheus=not a url', '--output', 'graphite=http://x']);
    expect(bad.exitCode).toBe(ExitCode.badInput);
    expect(bad.stderr).toContain('--output prometheus=not a url: an http(s) URL of a remote-write receiver');
    expect(bad.stderr).toContain('--output graphite=http://x: expected prometheus=URL');
    expect(bad.stdout).not.toContain('Starting the built-in mock');
  });
});
