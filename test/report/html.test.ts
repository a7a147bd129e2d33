import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/report/compare.ts';
import { loadReportAssets } from '../../src/report/html/assets.ts';
import type { ReportAssets } from '../../src/report/html/assets.ts';
import { renderReportHtml } from '../../src/report/html/renderHtml.ts';
import { nullIdViolations, seededLatenciesMs, syntheticRun } from '../fixtures/runResults.ts';

const HOSTILE_BODY = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script></script>&amp;';

let assets: ReportAssets;
beforeAll(async () => {
  assets = await loadReportAssets();
});

function hostileRun() {
  return syntheticRun({
    latenciesMs: seededLatenciesMs(3000, 25),
    errorRate: 0.01,
    name: 'peak<b>',
    errorExamples: [{ status: 503, bodyExcerpt: HOSTILE_BODY, count: 30 }],
  });
}

/** The text between `<script>` tags that the browser would run. */
function executableScripts(page: string): string[] {
  return [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
}

describe('report.html', () => {
  it('has every section, in the order a reader needs them', () => {
    const page = renderReportHtml(hostileRun(), assets);
    const ids = [...page.matchAll(/<section id="([a-z-]+)"/g)].map((match) => match[1]);
    expect(ids).toEqual(['thresholds', 'headline', 'spectrum', 'timeline', 'phases', 'outcomes', 'error-samples', 'contract', 'metadata']);
    expect(page).toContain('Contract checks were off for this run');
    expect(page).toMatch(/<header class="verdict verdict-passed" data-verdict="PASSED" data-exit-code="0">/);
    for (const chart of ['chart-spectrum', 'chart-rate', 'chart-latency', 'chart-errors']) expect(page).toContain(`id="${chart}"`);
  });

  it('shows conversations and the new connections per second in the Connections section', () => {
    const run = syntheticRun({ latenciesMs: seededLatenciesMs(400, 25) });
    const summary = { min: 1, mean: 2, p50: 2, p75: 2.5, p90: 3, p95: 3.5, p99: 4.25, p999: 5, max: 6 };
    const connections = {
      opened: 100,
      connectMs: summary,
      tlsHandshakeMs: summary,
      firstByteMs: summary,
      resumed: 30,
      closedByServer: 5,
      failed: { refused: 2 },
      requestsPerConnection: 4,
    };
    const conversations = {
      started: 100,
      completed: 97,
      abandoned: 2,
      cut: 1,
      notStarted: { connectionLimit: 3, feedStarved: 0 },
      messagesPerConversation: 3.96,
      durationMs: { ...summary, p50: 2100, p99: 9300 },
    };
    const phase = {
      ...run.phases[0]!,
      kind: 'conversations' as const,
      connections,
      conversations,
      plan: {
        conversations: {
          ratePerSec: 10,
          rampToPerSec: 10,
          messages: 'mean 4 (geometric)',
          thinkTime: '1s',
          connection: 'own' as const,
          onError: 'abandon' as const,
          gracefulStopMs: 30_000,
          tlsResume: true,
        },
      },
    };
    const page = renderReportHtml({ ...run, overall: { ...run.overall, connections, conversations }, phases: [phase] }, assets);
    const section = page.slice(page.indexOf('<section id="connections">'), page.indexOf('</section>', page.indexOf('<section id="connections">')));
    expect(section).toContain('<h3>Conversations</h3>');
    expect(section).toContain('messages mean 4 (geometric); think 1s; own connection');
    expect(section).toMatch(
      /<td class="num">100<\/td><td class="num">97<\/td><td class="num">2<\/td><td class="num">1<\/td><td class="num">3<\/td><td class="num">4\.0<\/td>/,
    );
    expect(section).toContain('<th class="num">TLS resumed</th>');
    expect(section).toContain('<strong>refused</strong> 2');
    expect(section).toContain('5 open connections were closed by the server while idle');
    // The synthetic run opened connections in its first second only: one spike is no chart.
    expect(section).not.toContain('id="chart-connections"');
    const spread = {
      ...run,
      timeline: run.timeline.map((second) => ({ ...second, connectionsOpened: 10 })),
      overall: { ...run.overall, connections },
      phases: [phase],
    };
    expect(renderReportHtml(spread, assets)).toContain('id="chart-connections"');
    // Conversations' messages follow answers: no fixed target, and no closed model either.
    const unfixed = renderReportHtml({ ...run, overall: { ...run.overall, targetRate: null }, phases: [phase] }, assets);
    expect(unfixed).toContain('<span class="muted">conversations: no fixed target</span>');
  });

  it('says why a request got no answer where an answer would show its body', () => {
    const run = syntheticRun({
      latenciesMs: seededLatenciesMs(100, 25),
      errorExamples: [{ status: 0, error: 'protocol', reason: 'invalid Content-Length "abc"', bodyExcerpt: '', count: 4 }],
    });
    const samples = /<section id="error-samples">[\s\S]*?<\/section>/.exec(renderReportHtml(run, assets))![0];
    expect(samples).toContain('<th>body, or why no answer came</th>');
    expect(samples).toMatch(/<td>protocol<\/td><td class="num">4<\/td><td><pre class="body">invalid Content-Length &quot;abc&quot;<\/pre><\/td>/);
  });

  it('shows each threshold with its limit and actual value', () => {
    const run = hostileRun();
    const page = renderReportHtml(run, assets);
    expect(page).toMatch(/<code>p99 &lt; 250ms<\/code>[\s\S]*?<td class="num">&lt; 250ms<\/td>/);
    expect(page).toContain(`<td class="num">${Math.round(run.overall.latencyMs.p99! * 100) / 100}ms</td>`);
  });

  it('loads nothing from anywhere: scripts and styles inline, a CSP that forbids the network', () => {
    const page = renderReportHtml(hostileRun(), assets);
    expect(page).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
    // The only address in the page is uPlot's licence comment (and the mock's own address).
    expect(page.replaceAll('https://github.com/leeoniya/uPlot', '')).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!.replaceAll('&#39;', "'");
    expect(csp).toContain("default-src 'none'");
    // Exactly the inlined scripts may run, by hash.
    const scripts = executableScripts(page);
    expect(scripts).toHaveLength(2);
    for (const source of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(source).digest('base64')}'`);
  });

  it('escapes what the server returned and every name, in the page and in the chart data', () => {
    const page = renderReportHtml(hostileRun(), assets);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;&lt;script&gt;');
    expect(page).toContain('<h1>peak&lt;b&gt;</h1>');
    const dataBlock = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(dataBlock).not.toMatch(/[<>]/);
    expect(JSON.parse(dataBlock).phases[0].name).toBe('steady');
  });

  it('embeds the spectrum and the per-second timeline the charts draw', () => {
    const run = hostileRun();
    const page = renderReportHtml(run, assets);
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)![1]!);
    expect(data.spectrum.lines.map((line: { role: string }) => line.role)).toEqual(['corrected', 'service']);
    expect(data.spectrum.lines[0].latencyMs.at(-1)).toBe(run.overall.latencyMs.max);
    expect(data.timeline.seconds).toEqual(run.timeline.map((entry) => entry.second));
    expect(data.timeline.errors).toEqual([{ kind: 'http_503', counts: run.timeline.map((entry) => entry.errors.http_503 ?? 0) }]);
  });

  it('with a baseline: both spectra on one chart and a delta table with regressions flagged', () => {
    const baseline = syntheticRun({ latenciesMs: seededLatenciesMs(3000, 20) });
    const run = syntheticRun({ latenciesMs: seededLatenciesMs(3000, 30) });
    const page = renderReportHtml(run, assets, { result: baseline, comparison: compareRuns(run, baseline) });
    expect(page).toContain('<section id="comparison">');
    expect(page).toMatch(/<strong>\d+ regressions<\/strong> beyond 10\.0%/);
    expect(page).toMatch(/<tr class="fail">\s*<th scope="row">overall<\/th><td>p99<\/td>/);
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)![1]!);
    expect(data.spectrum.lines.map((line: { role: string }) => line.role)).toEqual(['corrected', 'service', 'baseline']);
  });

  it('shows contract violations by rule, per phase and with escaped examples', () => {
    const contractViolations = nullIdViolations(900, 2, '{"message_id":null,"x":"<script>"}');
    const page = renderReportHtml(syntheticRun({ latenciesMs: seededLatenciesMs(900, 20), contractViolations }), assets);
    const section = /<section id="contract">[\s\S]*?<\/section>/.exec(page)![0];
    expect(section).toContain('<strong>2 of 900 checked responses broke the contract (0.222%).</strong>');
    expect(section).toMatch(
      /<td><code>integer<\/code><\/td><td><code>\$\.message_id<\/code><\/td><td>pact rule<\/td><td>not an integer<\/td><td class="num">2<\/td>/,
    );
    expect(section).toContain('<th scope="row">steady</th><td class="num">900</td><td class="num">2</td>');
    expect(section).toContain('HTTP 404: 4');
    expect(section).toContain('Compressed answers, checked decoded: gzip: 900');
    expect(section).toContain('{&quot;message_id&quot;:null,&quot;x&quot;:&quot;&lt;script&gt;&quot;}');
  });

  it('renders the same page from the same result', () => {
    const run = hostileRun();
    expect(renderReportHtml(run, assets)).toBe(renderReportHtml(run, assets));
  });
});
