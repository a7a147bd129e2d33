import { capacityWords, sloValue } from '../capacityText.ts';
import { formatRate, formatShare, latencyColumnFormat, latencyFigureText } from '../format.ts';
import type { RunResult } from '../resultModel.ts';
import { capacityChart } from './capacityChart.ts';
import { html } from './escape.ts';
import type { Html } from './escape.ts';

const ROLE_WORDS = { trial: 'trial', confirmation: 'confirmation', recoveryProbe: 'recovery probe' } as const;

/** What a capacity search found, in words, and every trial it ran: rate asked and achieved, latency, errors, the SLO's verdict. */
export function capacitySection(result: RunResult): Html {
  const phase = result.phases.find((p) => p.capacity);
  if (!phase?.capacity) return html``;
  const { capacity } = phase;
  const latency = latencyColumnFormat(capacity.trials.flatMap((t) => [t.p50Ms, t.p99Ms, t.p999Ms]));
  let step = 0;
  const rows = capacity.trials.map((trial) => {
    const label = trial.role === 'trial' ? `${ROLE_WORDS.trial} ${++step}` : ROLE_WORDS[trial.role];
    const verdict = trial.held
      ? html`<span class="badge badge-pass">held</span>`
      : html`<span class="badge badge-fail">FAIL</span> ${trial.failed.map((f) => `${f.expr} (${sloValue(f)})`).join(', ')}`;
    return html`<tr class="${trial.held ? '' : 'fail'}"><th scope="row" class="nowrap">${label}</th>
<td class="num">${formatRate(trial.askedPerSec)}</td><td class="num">${formatRate(trial.achievedPerSec)}</td>
${[trial.p50Ms, trial.p99Ms, trial.p999Ms].map((ms) => html`<td class="num">${latencyFigureText(ms, 1, latency)}</td>`)}
<td class="num">${formatShare(trial.errorRate)}</td><td class="num">${formatShare(trial.dropRate)}</td><td class="num">${trial.contractViolations ?? '–'}</td><td>${verdict}</td></tr>`;
  });
  const gateFailed = capacity.atLeastPerSec !== null && (capacity.heldPerSec ?? 0) < capacity.atLeastPerSec;
  return html`<section id="capacity"><h2>Capacity</h2>
<p class="${gateFailed || capacity.heldPerSec === null ? 'regressed' : 'steady'}"><strong>${capacityWords(phase)}</strong></p>
${capacityChart(capacity, phase.plan.search?.slo ?? [])}
<div class="scroll"><table class="compact"><thead><tr><th>step</th><th class="num">asked</th><th class="num">achieved</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">errors</th><th class="num">dropped</th><th class="num">contract</th><th>SLO</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<p class="note">Each trial holds its rate and is judged on its own figures against the SLO (${phase.plan.search?.slo.join(', ') ?? ''}); latency from the scheduled send, a request with no answer counting as ∞. A recovery probe after an overload checks that the first rate holds again before the next trial. The phase table below adds every trial together, failing ones included.</p></section>`;
}
