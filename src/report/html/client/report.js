// Draws the report's charts with uPlot (inlined before this script) from the JSON block
// #report-data. Runs in the browser, offline: no network, no other globals than uPlot.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const charts = [];

  const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const palette = () => ({
    text: cssVar('--text'),
    muted: cssVar('--muted'),
    grid: cssVar('--grid'),
    corrected: cssVar('--series-1'),
    service: cssVar('--series-2'),
    baseline: cssVar('--series-3'),
    target: cssVar('--muted'),
    p99: cssVar('--series-3'),
    max: cssVar('--series-4'),
    expected: cssVar('--muted'),
    errors: [cssVar('--bad'), cssVar('--series-4'), cssVar('--series-3'), cssVar('--series-5'), cssVar('--series-2')],
  });

  function formatMs(ms) {
    if (ms == null || !Number.isFinite(ms)) return '–';
    if (ms === 0) return '0';
    if (ms < 1) return `${Math.round(ms * 1000)}µs`;
    if (ms < 100) return `${+ms.toFixed(2)}ms`;
    if (ms < 1000) return `${Math.round(ms)}ms`;
    return `${+(ms / 1000).toFixed(2)}s`;
  }
  // x of the spectrum is 1/(1-p): 10 is 90%, 100 is 99%, 1000 is 99.9%.
  function formatPercentile(inverseTail) {
    const percentile = 100 * (1 - 1 / inverseTail);
    const decimals = Math.max(0, Math.ceil(Math.log10(inverseTail) - 2 - 1e-9));
    return `${percentile.toFixed(Math.min(decimals + 1, 6)).replace(/\.?0+$/, '')}%`;
  }
  const SECOND_TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];
  function formatSecond(second) {
    if (second == null) return '–';
    const s = Math.round(second);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  function axis(colors, extra) {
    return { stroke: colors.muted, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 }, ...extra };
  }

  // Vertical lines with names where each phase starts.
  function phaseMarkers(colors) {
    return {
      hooks: {
        draw: [
          (u) => {
            const { ctx } = u;
            ctx.save();
            ctx.strokeStyle = colors.muted;
            ctx.fillStyle = colors.muted;
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
            for (const phase of data.phases) {
              const x = Math.round(u.valToPos(phase.startSecond, 'x', true));
              if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) continue;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              // Names sit in the padding above the plot, clear of the axis labels.
              ctx.fillText(phase.name, x + 3 * devicePixelRatio, u.bbox.top - 5 * devicePixelRatio);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function chartWidth(container) {
    return Math.max(300, Math.floor(container.clientWidth));
  }

  function spectrumChart(container, colors) {
    const { inverseTail, lines } = data.spectrum;
    const roleStyle = {
      corrected: { stroke: colors.corrected, width: 2 },
      // Dashed: it often runs right on top of the corrected line.
      service: { stroke: colors.service, width: 1.5, dash: [5, 4] },
      baseline: { stroke: colors.baseline, width: 2.5, dash: [2, 4] },
    };
    const maxTail = inverseTail[inverseTail.length - 1];
    return new uPlot(
      {
        width: chartWidth(container),
        height: 320,
        scales: { x: { time: false, distr: 3, log: 10, range: () => [1, maxTail] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
        axes: [
          axis(colors, {
            splits: () => {
              const ticks = [];
              for (let x = 1; x <= maxTail * 1.0001; x *= 10) ticks.push(x);
              return ticks;
            },
            values: (u, splits) => splits.map(formatPercentile),
          }),
          axis(colors, { values: (u, splits) => splits.map(formatMs), size: 64 }),
        ],
        series: [
          { label: 'percentile', value: (u, v) => (v == null ? '–' : v >= maxTail ? 'max' : formatPercentile(v)) },
          ...lines.map((line) => ({ label: line.label, ...roleStyle[line.role], value: (u, v) => formatMs(v), points: { show: false } })),
        ],
        cursor: { drag: { x: false, y: false } },
      },
      [inverseTail, ...lines.map((line) => line.latencyMs)],
      container,
    );
  }

  function timelineChart(container, colors, series, values, yFormat, options = {}) {
    const t = data.timeline;
    return new uPlot(
      {
        width: chartWidth(container),
        height: 220,
        scales: { x: { time: false }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        // Ticks on whole seconds (the data has one point per second), then round minutes.
        axes: [axis(colors, { incrs: SECOND_TICKS, values: (u, splits) => splits.map(formatSecond) }), axis(colors, { values: (u, splits) => splits.map(yFormat), size: 64 })],
        series: [{ label: 'time', value: (u, v) => formatSecond(v) }, ...series.map((line) => ({ points: { show: false }, ...line }))],
        plugins: [phaseMarkers(colors)],
        padding: [20, 12, 0, 0],
        cursor: { drag: { x: true, y: false } },
        ...options,
      },
      [t.seconds, ...values],
      container,
    );
  }

  const stepped = () => uPlot.paths.stepped({ align: 1 });
  // Axis ticks can fall between whole requests when the counts are small.
  const perSecond = (v) => `${Number.isInteger(v) ? v : v.toFixed(1)}/s`;
  const rateValue = (u, v) => (v == null ? '–' : `${Math.round(v)}/s`);
  const msValue = (u, v) => formatMs(v);

  function drawAll() {
    const colors = palette();
    const t = data.timeline;
    const find = (id) => document.getElementById(id);
    charts.push(spectrumChart(find('chart-spectrum'), colors));
    charts.push(
      timelineChart(
        find('chart-rate'),
        colors,
        [
          { label: 'sent', stroke: colors.corrected, width: 2, value: rateValue },
          { label: 'completed', stroke: colors.service, width: 1.5, value: rateValue },
          // Last, so its dashes show on top of a sent line that follows it exactly.
          { label: 'target', stroke: colors.text, dash: [5, 5], width: 1.5, value: rateValue },
        ],
        [t.sent, t.completed, t.targetRate],
        perSecond,
      ),
    );
    charts.push(
      timelineChart(
        find('chart-latency'),
        colors,
        [
          { label: 'p50', stroke: colors.corrected, width: 2, value: msValue },
          { label: 'p99', stroke: colors.p99, width: 2, value: msValue },
          { label: 'max', stroke: colors.max, width: 1, value: msValue },
        ],
        [t.p50Ms, t.p99Ms, t.maxMs],
        formatMs,
      ),
    );
    const errorSeries = t.errors.map((line, i) => ({
      label: line.kind.replace(/^http_/, 'HTTP '),
      stroke: colors.errors[i % colors.errors.length],
      fill: `${colors.errors[i % colors.errors.length]}33`,
      width: 1.5,
      paths: stepped(),
      value: rateValue,
    }));
    charts.push(
      timelineChart(
        find('chart-errors'),
        colors,
        [
          ...errorSeries,
          { label: 'dropped (not sent)', stroke: colors.max, dash: [2, 3], width: 1.5, paths: stepped(), value: rateValue },
          { label: 'expected (not errors)', stroke: colors.expected, dash: [6, 4], width: 1, paths: stepped(), value: rateValue },
        ],
        [...t.errors.map((line) => line.counts), t.dropped, t.expected],
        perSecond,
      ),
    );
    document.documentElement.dataset.chartsReady = String(charts.length);
  }

  function redraw() {
    while (charts.length > 0) charts.pop().destroy();
    drawAll();
  }

  function resize() {
    for (const chart of charts) {
      const container = chart.root.parentElement;
      chart.setSize({ width: chartWidth(container), height: chart.height });
    }
  }

  drawAll();
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resize, 100);
  });
  // Charts are canvases: redraw them in the printed page's width and colours.
  window.addEventListener('beforeprint', redraw);
  window.addEventListener('afterprint', redraw);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', redraw);
})();
