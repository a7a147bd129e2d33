import { formatCount, formatShare, shareColumnFormat } from '../format.ts';
import type { RunResult } from '../resultModel.ts';
import { html } from './escape.ts';
import type { Html } from './escape.ts';

const RULE_MEANINGS: Record<string, string> = {
  echo: 'stored text differs from the text sent',
  unique: 'message_id repeats an earlier answer',
  window: "created_at outside the request's send/receive window",
  present: 'missing',
  json: 'body is not JSON',
  integer: 'not an integer',
  number: 'not a number',
  decimal: 'not a number',
  boolean: 'not a boolean',
  type: 'wrong JSON type',
  regex: "does not match the pact's pattern",
  datetime: "not a timestamp in the pact's format",
  timestamp: "not a timestamp in the pact's format",
  date: "not a date in the pact's format",
  time: "not a time in the pact's format",
  equality: "differs from the pact's value",
};

/** Contract conformance of every checked response: by rule and path, per phase, with redacted examples. */
export function contractSection(result: RunResult): Html {
  const checks = result.overall.contractViolations;
  if (!result.contract || !checks) {
    return html`<section id="contract"><h2>Contract conformance</h2><p class="muted">Contract checks were off for this run (<code>contract: false</code>).</p></section>`;
  }
  const sampled = result.contract.sampleShare < 1 ? ` (a ${formatShare(result.contract.sampleShare)} sample)` : '';
  const verdict =
    checks.count === 0
      ? html`<p class="steady"><strong>All ${formatCount(checks.checked)} checked responses${sampled} honoured the contract.</strong></p>`
      : html`<p class="regressed"><strong>${formatCount(checks.count)} of ${formatCount(checks.checked)} checked responses${sampled} broke the contract (${formatShare(checks.rate)}).</strong></p>`;
  const kindShare = shareColumnFormat(checks.byKind.map((kind) => kind.count / Math.max(1, checks.checked)));
  const kinds = checks.byKind.map(
    (kind) => html`<tr class="fail"><td><code>${kind.rule}</code></td><td><code>${kind.path}</code></td><td>${kind.source === 'pact' ? 'pact rule' : 'ingestion check'}</td><td>${RULE_MEANINGS[kind.rule] ?? ''}</td><td class="num">${formatCount(kind.count)}</td><td class="num">${kindShare(kind.count / Math.max(1, checks.checked))}</td></tr>`,
  );
  const phaseShare = shareColumnFormat(result.phases.map((phase) => phase.contractViolations?.rate ?? 0));
  const phases = result.phases.map((phase) => {
    const scope = phase.contractViolations;
    if (!phase.ran) return html`<tr class="not-run"><th scope="row">${phase.name}</th><td colspan="3" class="muted">not run</td></tr>`;
    return scope ? html`<tr><th scope="row">${phase.name}</th><td class="num">${formatCount(scope.checked)}</td><td class="num">${formatCount(scope.count)}</td><td class="num">${phaseShare(scope.rate)}</td></tr>` : '';
  });
  const noInteraction = Object.entries(checks.noInteraction);
  const examples = checks.examples.map(
    (e) => html`<tr><td class="nowrap">HTTP ${e.status}</td><td class="nowrap"><code>${e.rule}</code><br><code>${e.path}</code></td><td>${e.expected}</td><td><code>${e.actual}</code></td><td><pre class="body">${e.bodyExcerpt || '(empty body)'}</pre></td></tr>`,
  );
  return html`<section id="contract"><h2>Contract conformance</h2>
${verdict}
<p class="note">Each response was matched to the pact interaction for its status (${result.contract.statuses.join(', ')}) and checked against its matching rules, from <code>${result.contract.pactFile}</code>; every 200 was also checked for what a pact cannot express: the stored <code>message_body</code> equals the text sent, <code>message_id</code> is unique across the run, and <code>created_at</code> lies within the request's send/receive window (±${formatCount(result.contract.clockSkewMs)} ms for clock skew).</p>
${kinds.length > 0 ? html`<h3>Violations by rule</h3><table><thead><tr><th>rule</th><th>path</th><th>from</th><th>meaning</th><th class="num">responses</th><th class="num">share</th></tr></thead><tbody>${kinds}</tbody></table>` : ''}
<h3>By phase</h3><table><thead><tr><th>phase</th><th class="num">checked</th><th class="num">violating</th><th class="num">rate</th></tr></thead><tbody>${phases}</tbody></table>
${noInteraction.length > 0 ? html`<p class="note">Not checked, no interaction in the pact for their status: ${noInteraction.map(([status, count]) => `HTTP ${status}: ${formatCount(count)}`).join(', ')} (they count as errors above).</p>` : ''}
${examples.length > 0 ? html`<h3>Examples</h3><p class="note">The first response of each kind; message texts are redacted to their length.</p><div class="scroll"><table><thead><tr><th>answer</th><th>rule</th><th>expected</th><th>actual</th><th>body</th></tr></thead><tbody>${examples}</tbody></table></div>` : ''}
</section>`;
}
