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
    // uPlot passes null for ticks it drops for lack of room.
    if (inverseTail == null || !Number.isFinite(inverseTail) || inverseTail < 1) return '';
    const percentile = 100 * (1 - 1 / inverseTail);
    const decimals = Math.max(0, Math.ceil(Math.log10(inverseTail) - 2 - 1e-9));
    return `${percentile.toFixed(Math.min(decimals + 1, 6)).replace(/\.?0+$/, '')}%`;
  }
  const SECOND_TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];
  function formatSecond(second) {
    if (second == null || !Number.isFinite(second)) return '';
    const s = Math.round(second);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  // Axis labels: blank for the ticks uPlot leaves out, never "NaN" or "Infinity".
  const tickLabels = (format) => (u, splits) => splits.map((v) => (v == null || !Number.isFinite(v) ? '' : format(v)));

  const lastValue = (values) => {
    for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i];
    return null;
  };
  /**
   * A legend value that means something without a cursor: at the hovered point, or else the
   * summary given (the last second of a timeline, p99 of the spectrum), labelled as such.
   */
  function legendValue(format, summary) {
    return (u, v, seriesIndex, idx) => {
      if (idx != null) return format(v);
      const [label, value] = summary(u, seriesIndex);
      return value == null ? '–' : `${label} ${format(value)}`;
    };
  }
  // The busiest second: the last one is often a partial second as the run winds down.
  const peakSummary = (u, seriesIndex) => {
    const values = u.data[seriesIndex].filter((v) => v != null);
    return ['peak', values.length > 0 ? Math.max(...values) : null];
  };

  // Records the tick labels drawn, so a test can read what the canvas shows.
  const tickRecorder = () => ({ hooks: { draw: [(u) => (u.root.dataset.ticks = JSON.stringify(u.axes.map((a) => a._values ?? [])))] } });

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
            // Names sit in the padding above the plot, clear of the axis labels; a name that would
            // run into the one before drops to a second row inside the plot.
            const rowsEnd = [-Infinity, -Infinity];
            for (const phase of data.phases) {
              const x = Math.round(u.valToPos(phase.startSecond, 'x', true));
              if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) continue;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              const left = x + 3 * devicePixelRatio;
              const width = ctx.measureText(phase.name).width;
              const row = left > rowsEnd[0] ? 0 : left > rowsEnd[1] ? 1 : -1;
              if (row < 0) continue;
              ctx.fillText(phase.name, left, row === 0 ? u.bbox.top - 5 * devicePixelRatio : u.bbox.top + 12 * devicePixelRatio);
              rowsEnd[row] = left + width + 4 * devicePixelRatio;
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
    let p99Index = 0;
    inverseTail.forEach((x, i) => {
      if (Math.abs(Math.log10(x) - 2) < Math.abs(Math.log10(inverseTail[p99Index]) - 2)) p99Index = i;
    });
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
            values: tickLabels(formatPercentile),
          }),
          axis(colors, { values: tickLabels(formatMs), size: 64 }),
        ],
        series: [
          { label: 'percentile', value: (u, v, seriesIndex, idx) => (idx == null ? 'p99' : v == null ? '–' : v >= maxTail ? 'max' : formatPercentile(v)) },
          // Without a cursor the legend shows each line at p99.
          ...lines.map((line) => ({ label: line.label, ...roleStyle[line.role], value: legendValue(formatMs, (u, seriesIndex) => ['', u.data[seriesIndex][p99Index]]), points: { show: false } })),
        ],
        cursor: { drag: { x: false, y: false } },
        plugins: [tickRecorder()],
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
        axes: [axis(colors, { incrs: SECOND_TICKS, values: tickLabels(formatSecond) }), axis(colors, { values: tickLabels(yFormat), size: 64 })],
        series: [
          { label: 'time', value: (u, v, seriesIndex, idx) => (idx == null ? `whole run (${formatSecond(lastValue(u.data[0]))})` : formatSecond(v)) },
          ...series.map((line) => ({ points: { show: false }, ...line })),
        ],
        plugins: [phaseMarkers(colors), tickRecorder()],
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
  const rateValue = legendValue((v) => (v == null ? '–' : `${Math.round(v)}/s`), peakSummary);
  const msValue = legendValue(formatMs, peakSummary);

  function drawAll() {
    const colors = palette();
    const t = data.timeline;
    const find = (id) => document.getElementById(id);
    // A run that got no answer has no spectrum to draw (the page says so instead).
    if (find('chart-spectrum')) charts.push(spectrumChart(find('chart-spectrum'), colors));
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
    // Real errors and drops on their own scale: expected outcomes (the 403s of users meant to be
    // unregistered) can be a hundred times as many and would flatten them.
    charts.push(
      timelineChart(
        find('chart-errors'),
        colors,
        [...errorSeries, { label: 'dropped (not sent)', stroke: colors.max, dash: [2, 3], width: 1.5, paths: stepped(), value: rateValue }],
        [...t.errors.map((line) => line.counts), t.dropped],
        perSecond,
      ),
    );
    const expectedChart = find('chart-expected');
    if (expectedChart) {
      charts.push(
        timelineChart(expectedChart, colors, [{ label: 'expected (not errors)', stroke: colors.expected, fill: `${colors.expected}22`, width: 1.5, paths: stepped(), value: rateValue }], [t.expected], perSecond),
      );
    }
    const connectionsChart = find('chart-connections');
    if (connectionsChart) {
      charts.push(
        timelineChart(connectionsChart, colors, [{ label: 'new connections', stroke: colors.corrected, fill: `${colors.corrected}22`, width: 1.5, paths: stepped(), value: rateValue }], [t.connectionsOpened], perSecond),
      );
    }
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

  // On a phone every table row becomes a small card: each cell carries its column's name.
  for (const table of document.querySelectorAll('table')) {
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll('tbody tr')) {
      let column = 0;
      for (const cell of row.children) {
        if (headers[column]) cell.dataset.label = headers[column];
        column += cell.colSpan || 1;
      }
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
