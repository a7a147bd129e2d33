// Capacity searches against targets of known capacity on 127.0.0.1 (issue #26).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

const env = { HAPTIK_TOKEN: 'search-token', HAPTIK_CLIENT_ID: 'search-client' };
const files = cliTestFolder();

/** A scenario whose only phase is a search with these settings (YAML flow mapping entries). */
const searchScenario = (name: string, search: string, extra = '') => writeCliScenario(files, name, `  - name: find\n    search: { ${search} }`, extra);

describe('capacity search', () => {
  it('finds the capacity of a mock with 4 slots of 20 ms (200/s) within its precision, and gates on atLeast', async () => {
    const mock = 'mock: { latency: 20ms, slots: 4 }';
    const search = 'from: 25, max: 1000, hold: 1s, precision: 10%, slo: [p99 < 60ms], cooldown: 300ms';
    const out = join(files.dir, 'found');
    const run = await runCliProcess(['load', searchScenario('found', search, mock), '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
    const capacity = readRunResult(out).phases[0]!.capacity!;
    expect(capacity.bound).toBe('server');
    // The true capacity is 200/s: held within the precision (10%), plus 5% for a trial of one second.
    expect(capacity.heldPerSec).toBeGreaterThanOrEqual(200 * 0.85);
    expect(capacity.heldPerSec).toBeLessThanOrEqual(200 * 1.15);
    expect(capacity.failedPerSec).toBeGreaterThan(capacity.heldPerSec!);
    // Growth from 25 to past 200, bisection to 10%, a confirmation: log2(1000/25) + log2(1/0.1) + 2 at most.
    expect(capacity.trials.filter((t) => t.role !== 'recoveryProbe').length).toBeLessThanOrEqual(Math.ceil(Math.log2(1000 / 25) + Math.log2(1 / 0.1) + 2));
    expect(run.stdout).toMatch(/Capacity \d+\/s \(held p99 < 60ms\): at \d+\/s p99 < 60ms was/);
    expect(run.stdout).toMatch(/trial 1: 25\/s held/);

    // The report draws every trial (p50, p99, p99.9) against its achieved rate, the SLO's limit and the held rate.
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page.match(/<circle class="cap-point cap-p99( cap-failed)?"/g)?.length).toBe(
      capacity.trials.filter((t) => t.role !== 'recoveryProbe' && t.p99Ms !== null).length,
    );
    expect(page).toContain('SLO p99 &lt; 60ms');
    expect(page).toContain('a capacity search: no fixed target');
    expect(page).toContain(`held ${capacity.heldPerSec}/s`);

    // A baseline that held twice as much: the held rate fell beyond the tolerance.
    const baseline = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { phases: { capacity: { heldPerSec: number } }[] };
    baseline.phases[0]!.capacity.heldPerSec *= 2;
    writeFileSync(join(files.dir, 'twice.json'), JSON.stringify(baseline));
    const compared = await runCliProcess(['report', out, '--baseline', join(files.dir, 'twice.json')]);
    expect(compared.exitCode).toBe(ExitCode.regression);
    expect(compared.stdout).toMatch(/find\s+capacity\s+\d+\.\d\/s -> \d+\.\d\/s \(-50\.0%\)/);

    const gated = await runCliProcess([
      'load',
      // A coarser search (30%): the gate is judged on whatever it finds.
      searchScenario('gated', `${search.replace('precision: 10%', 'precision: 30%')}, atLeast: 400`, mock),
      '--out',
      join(files.dir, 'gated'),
      '--junit',
      join(files.dir, 'gated.xml'),
      '--summary-json',
      join(files.dir, 'gated.json'),
    ]);
    expect(gated.exitCode).toBe(ExitCode.thresholdFailed);
    expect(gated.stdout).toMatch(/^FAILED {2}gated/m);
    expect(gated.stdout).toMatch(/below atLeast 400\/s by \d+/);
    expect(readFileSync(join(files.dir, 'gated.xml'), 'utf8')).toMatch(
      /<testcase classname="gated\.capacity" name="capacity of find >= 400\/s"[^>]*>\s*<failure/,
    );
    expect(JSON.parse(readFileSync(join(files.dir, 'gated.json'), 'utf8')).capacity).toMatchObject({ phase: 'find', atLeastPerSec: 400, bound: 'server' });
  }, 120_000);

  it('finds the rate of a token-bucket limiter answering 429 above 300/s, with an error-rate SLO', async () => {
    // Tokens refill at 300/s into a bucket of 10: above 300/s the excess is refused at once.
    let tokens = 10;
    let lastMs = performance.now();
    const limited = await startHonestProvider((_n, _req, res) => {
      const nowMs = performance.now();
      tokens = Math.min(10, tokens + ((nowMs - lastMs) * 300) / 1000);
      lastMs = nowMs;
      if (tokens >= 1) {
        tokens -= 1;
        return false;
      }
      res.writeHead(429, { 'content-type': 'application/json' }).end('{"error_message":"rate limit exceeded"}');
      return true;
    });
    try {
      const out = join(files.dir, 'limited');
      const scenario = searchScenario('limited', 'from: 50, max: 1200, hold: 1s, precision: 10%, slo: [errorRate < 1%], cooldown: 200ms');
      const run = await runCliProcess(['load', scenario, '--target', limited.url, '--no-preflight', '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound).toBe('server');
      expect(capacity.heldPerSec).toBeGreaterThanOrEqual(300 * 0.85);
      expect(capacity.heldPerSec).toBeLessThanOrEqual(300 * 1.05);
      expect(capacity.reason).toMatch(/errorRate < 1% was/);
      // The report draws the error rate of every trial against its achieved rate, with the SLO's limit.
      const page = readFileSync(join(out, 'report.html'), 'utf8');
      expect(page).toContain('Error rate against the rate achieved');
      expect(page).toContain('SLO errorRate &lt; 1%');
    } finally {
      await limited.close();
    }
  }, 60_000);

  it('ends with bound generator when requests waited on this side, never with a server capacity', async () => {
    // A server answering in 5 ms, but only 2 connections allowed: this side holds at most ~400/s.
    const fast = await startHonestProvider((_n, _req, _res, honest) => {
      setTimeout(honest, 5);
      return true;
    });
    try {
      const out = join(files.dir, 'generator');
      const scenario = writeCliScenario(
        files,
        'generator',
        '  - name: find\n    maxConnections: 2\n    search: { from: 100, max: 5000, hold: 1s, precision: 10%, slo: [p99 < 50ms], cooldown: 200ms }',
      );
      const run = await runCliProcess(['load', scenario, '--target', fast.url, '--no-preflight', '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound).toBe('generator');
      expect(run.stdout).toMatch(/Capacity at least \d+\/s: .*the generator's limit here/);
    } finally {
      await fast.close();
    }
  }, 60_000);

  it('reports a target that stays slow after an overload as not recovered', async () => {
    // 100 ms answers; once it has had more than 10 requests at once it answers in 400 ms for good.
    let inFlight = 0;
    let broken = false;
    const fragile = await startHonestProvider((_n, _req, _res, honest) => {
      inFlight++;
      if (inFlight > 10) broken = true;
      setTimeout(
        () => {
          inFlight--;
          honest();
        },
        broken ? 400 : 100,
      );
      return true;
    });
    try {
      const out = join(files.dir, 'fragile');
      const scenario = searchScenario('fragile', 'from: 20, max: 1000, hold: 1s, precision: 10%, slo: [p99 < 200ms], cooldown: 300ms');
      const run = await runCliProcess(['load', scenario, '--target', fragile.url, '--no-preflight', '--out', out], { env });
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound, run.stdout).toBe('notRecovered');
      expect(capacity.trials.at(-1)).toMatchObject({ role: 'recoveryProbe', held: false });
      expect(run.stdout).toMatch(/still failed at 20\/s \(not recovered\)/);
    } finally {
      await fragile.close();
    }
  }, 60_000);

  it.each([[[]], [['--workers', '2']]])(
    'on Ctrl-C mid-search exits 130, keeps every finished trial and says where it stood %j',
    async (args: string[]) => {
      const out = join(files.dir, `stopped${args.length}`);
      const scenario = searchScenario(
        'stopped',
        'from: 25, max: 1000, hold: 2s, precision: 10%, slo: [p99 < 60ms], cooldown: 200ms',
        'mock: { latency: 20ms, slots: 4 }',
      );
      let signalled = false;
      const run = await runCliProcess(['load', scenario, ...args, '--out', out], {
        onStdout: (text, kill) => {
          if (!signalled && /trial 2: 50\/s held/.test(text)) {
            signalled = true;
            setTimeout(() => kill('SIGINT'), 500);
          }
        },
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.interrupted);
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound).toBe('interrupted');
      expect(capacity.trials.slice(0, 2).map((t) => [t.askedPerSec, t.held])).toEqual([
        [25, true],
        [50, true],
      ]);
      expect(run.stdout).toMatch(/interrupted during the 100\/s trial, so 50\/s held so far/);
    },
    60_000,
  );

  it('with --workers 2 stripes each trial over two processes and finds the same capacity (200/s) on their merged figures', async () => {
    const out = join(files.dir, 'workers');
    const scenario = searchScenario(
      'workers',
      'from: 50, max: 1000, hold: 1s, precision: 10%, slo: [p99 < 60ms], cooldown: 300ms',
      'mock: { latency: 20ms, slots: 4 }',
    );
    const run = await runCliProcess(['load', scenario, '--workers', '2', '--out', out]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
    expect(run.stdout).toContain('Each trial runs on 2 worker processes');
    // Which processes send is said once, not once per trial.
    expect(run.stdout.match(/^Workers: 0 \(pid \d+, stripe 0\/2\), 1 \(pid \d+, stripe 1\/2\)$/gm)).toHaveLength(1);
    const result = readRunResult(out);
    const capacity = result.phases[0]!.capacity!;
    expect(capacity.bound).toBe('server');
    expect(capacity.heldPerSec).toBeGreaterThanOrEqual(200 * 0.85);
    expect(capacity.heldPerSec).toBeLessThanOrEqual(200 * 1.15);
    // Each trial sent its whole rate between the two workers: asked and achieved agree for the held ones.
    for (const trial of capacity.trials.filter((t) => t.held)) expect(trial.achievedPerSec).toBeGreaterThanOrEqual(trial.askedPerSec * 0.95);
    // Every request of every trial is in the merged phase, and the mock answered each of them.
    const sent = result.phases[0]!.requests.sent;
    expect(sent).toBeGreaterThan(capacity.trials.reduce((total, t) => total + t.askedPerSec * (t.durationMs / 1000), 0) * 0.95);
    expect(Object.values(result.serverSide!.statusCounts).reduce((total, count) => total + count, 0)).toBe(sent);
  }, 120_000);

  it('refuses to split a search over shards without a coordinator (exit 2, naming the alternatives)', async () => {
    const scenario = searchScenario('split', 'from: 25, max: 100, hold: 1s, precision: 10%, slo: [p99 < 60ms]', 'mock: { latency: 20ms, slots: 4 }');
    const run = await runCliProcess(['load', scenario, '--shard', '0/2', '--out', join(files.dir, 'shard')]);
    expect(run.exitCode).toBe(ExitCode.badInput);
    expect(run.stderr).toMatch(
      /a capacity search needs one coordinator to decide its trials: --shard cannot split it\n {2}- run it on one machine \(--workers N for more generator processes\), or over shards that join a coordinator/,
    );
  });

  it('refuses bad searches with exit 2, each with its line and field, all at once', async () => {
    const bad = writeCliScenario(
      files,
      'bad',
      [
        '  - name: find',
        '    search: { from: 500, max: 100, hold: 500ms, precision: 0%, slo: [p99 < 1s], atLeast: 200, maxDuration: 100ms }',
        '  - { name: second, search: { from: 1, max: 2, hold: 1s, precision: 5%, slo: [p99 < 10 ms] } }',
        '  - { name: third, duration: 1s, rate: 10, search: { from: 1, max: 2, hold: 1s, precision: 5%, slo: [p99 < 1s] } }',
      ].join('\n'),
    );
    const run = await runCliProcess(['load', bad, '--out', join(files.dir, 'bad')]);
    expect(run.exitCode).toBe(ExitCode.badInput);
    for (const problem of [
      /:7: phases\.0\.search\.from: above max \(100\)/,
      /:7: phases\.0\.search\.hold: at least 1s/,
      /:7: phases\.0\.search\.precision: between 0 and 100%/,
      /:7: phases\.0\.search\.maxDuration: shorter than one trial/,
      /:7: phases\.0\.search\.atLeast: above max \(100\)/,
      /:8: phases\.1\.search\.slo\.0: "p99 < 10 ms" column 7: no space between a number and its unit: write 10ms/,
      /:9: phases\.2: rate and search cannot be combined/,
    ])
      expect(run.stderr).toMatch(problem);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
