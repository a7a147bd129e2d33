// The run history's filters, comparison and trend charts (uPlot, inlined before this script),
// from the JSON block #index-data. Offline: no network, no other globals than uPlot.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('index-data').textContent);
  const runs = data.runs;
  const rows = [...document.querySelectorAll('#runs tbody tr[data-index]')];
  const find = (id) => document.getElementById(id);
  const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const charts = [];

  const formatMs = (ms) => {
    if (ms == null || !Number.isFinite(ms)) return '–';
    if (ms < 1) return `${Math.round(ms * 1000)}µs`;
    if (ms < 100) return `${+ms.toFixed(2)}ms`;
    if (ms < 1000) return `${Math.round(ms)}ms`;
    return `${+(ms / 1000).toFixed(2)}s`;
  };
  const formatRate = (v) => (v == null || !Number.isFinite(v) ? '–' : `${+v.toFixed(1)}/s`);
  const formatDate = (seconds) => (seconds == null ? '' : new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' '));

  // Ticks on whole hours or days (UTC), at most about eight: runs sit between them.
  const STEPS = [3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 30 * 86400, 91 * 86400, 365 * 86400];
  function timeSplits(u, axisIndex, min, max) {
    const step = STEPS.find((s) => (max - min) / s <= 8) ?? STEPS.at(-1);
    const splits = [];
    for (let t = Math.ceil(min / step) * step; t <= max; t += step) splits.push(t);
    return splits;
  }
  const timeLabel = (splits) => (v) => {
    if (v == null) return '';
    const text = formatDate(v);
    const step = splits.length > 1 ? splits[1] - splits[0] : 86400;
    return step < 86400 ? text.slice(5) : text.slice(5, 10);
  };

  function visible(run) {
    // An unreadable folder has no scenario, verdict or date: it shows when nothing is filtered.
    if (!run.scenario) return ['filter-scenario', 'filter-verdict', 'filter-from', 'filter-to'].every((id) => !find(id).value);
    const scenario = find('filter-scenario').value;
    const verdict = find('filter-verdict').value;
    const from = find('filter-from').value;
    const to = find('filter-to').value;
    const day = run.startedAt.slice(0, 10);
    return (!scenario || run.scenario === scenario) && (!verdict || run.verdict === verdict) && (!from || day >= from) && (!to || day <= to);
  }

  function applyFilters() {
    for (const row of rows) row.classList.toggle('hidden', !visible(runs[Number(row.dataset.index)]));
    drawTrends();
  }

  // Two ticked runs: the command that compares them (the newer judged against the older).
  function updateCompare() {
    const picked = rows.filter((row) => row.querySelector('.pick')?.checked).map((row) => runs[Number(row.dataset.index)]);
    const out = find('compare');
    if (picked.length !== 2) {
      out.textContent = picked.length > 2 ? 'Tick two runs, not more.' : 'Tick two runs to compare them.';
      return;
    }
    const [newer, older] = [...picked].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const path = (run) => (data.root === '.' ? run.dir : `${data.root}/${run.dir}`);
    out.textContent = 'Compare them: ';
    const code = document.createElement('code');
    code.textContent = `npm run report -- ${path(newer)} --baseline ${path(older)}`;
    out.append(code);
  }

  // Each scenario's runs over time: one line per duration scale, failed and regressed runs as red points.
  function trendChart(container, title, scenarioRuns, series, format) {
    const colors = [cssVar('--series-1'), cssVar('--series-3'), cssVar('--series-2'), cssVar('--series-4'), cssVar('--series-5')];
    const scales = [...new Set(scenarioRuns.map((run) => run.durationScale))].sort((a, b) => b - a);
    const xs = scenarioRuns.map((run) => Date.parse(run.startedAt) / 1000);
    const columns = [xs];
    const lines = [{ label: 'run', value: (u, v) => (v == null ? '–' : `${formatDate(v)} UTC`) }];
    series.forEach((one, s) => {
      scales.forEach((scale, k) => {
        columns.push(scenarioRuns.map((run) => (run.durationScale === scale ? one.value(run) : null)));
        lines.push({ label: `${one.label}${scales.length > 1 ? ` ×${scale}` : ''}`, stroke: colors[(s * scales.length + k) % colors.length], width: 2, spanGaps: true, value: (u, v) => format(v), points: { show: true, size: 5 } });
      });
    });
    const bad = scenarioRuns.map((run) => run.verdict === 'FAILED' || run.verdict === 'REGRESSED');
    columns.push(scenarioRuns.map((run, i) => (bad[i] ? series[series.length - 1].value(run) : null)));
    lines.push({ label: 'failed or regressed', stroke: cssVar('--bad'), width: 0, paths: () => null, points: { show: true, size: 9, fill: cssVar('--bad') }, value: (u, v) => format(v) });
    const figure = document.createElement('figure');
    figure.innerHTML = '<figcaption></figcaption><div class="chart"></div>';
    figure.querySelector('figcaption').textContent = title;
    container.append(figure);
    const chart = new uPlot(
      {
        width: Math.max(300, figure.clientWidth),
        height: 220,
        series: lines,
        scales: { x: { time: false } },
        axes: [
          { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid') }, splits: timeSplits, values: (u, splits) => splits.map(timeLabel(splits)) },
          { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid') }, values: (u, splits) => splits.map((v) => (v == null ? '' : format(v))), size: 60 },
        ],
        legend: { live: true },
        cursor: { points: { size: 8 } },
        hooks: {
          setCursor: [
            (u) => {
              const run = u.cursor.idx == null ? null : scenarioRuns[u.cursor.idx];
              figure.querySelector('figcaption').textContent = run ? `${title}: ${run.dir}, ${formatDate(xs[u.cursor.idx])} UTC, ${run.verdict ?? 'shard'}` : title;
            },
          ],
        },
      },
      columns,
      figure.querySelector('.chart'),
    );
    // A click on a run opens its report.
    chart.over.addEventListener('click', () => {
      const run = chart.cursor.idx == null ? null : scenarioRuns[chart.cursor.idx];
      if (run?.report) window.location.href = run.report;
    });
    charts.push(chart);
  }

  function drawTrends() {
    while (charts.length > 0) charts.pop().destroy();
    const holder = find('trend-charts');
    holder.textContent = '';
    const shown = runs.filter((run) => run.scenario && run.kind !== 'shard' && visible(run)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const scenarios = [...new Set(shown.map((run) => run.scenario))];
    if (scenarios.length === 0) holder.textContent = 'No run to draw.';
    for (const scenario of scenarios) {
      const scenarioRuns = shown.filter((run) => run.scenario === scenario);
      const block = document.createElement('div');
      block.className = 'trend';
      const heading = document.createElement('h3');
      heading.textContent = `${scenario} · ${scenarioRuns.length} runs`;
      block.append(heading);
      holder.append(block);
      trendChart(block, 'latency', scenarioRuns, [{ label: 'p50', value: (run) => run.p50Ms }, { label: 'p99', value: (run) => run.p99Ms }], formatMs);
      const rate = [{ label: 'achieved', value: (run) => run.achievedRate }];
      if (scenarioRuns.some((run) => run.capacityPerSec != null)) rate.push({ label: 'capacity', value: (run) => run.capacityPerSec });
      trendChart(block, 'rate', scenarioRuns, rate, formatRate);
      trendChart(block, 'error rate', scenarioRuns, [{ label: 'errors', value: (run) => run.errorRate * 100 }], (v) => (v == null || !Number.isFinite(v) ? '–' : `${+v.toFixed(2)}%`));
    }
    document.documentElement.dataset.chartsReady = String(charts.length);
  }

  for (const id of ['filter-scenario', 'filter-verdict', 'filter-from', 'filter-to']) find(id).addEventListener('change', applyFilters);
  for (const box of document.querySelectorAll('.pick')) box.addEventListener('change', updateCompare);
  drawTrends();
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawTrends, 150);
  });
  for (const scheme of ['(prefers-color-scheme: dark)']) window.matchMedia(scheme).addEventListener('change', drawTrends);
})();
