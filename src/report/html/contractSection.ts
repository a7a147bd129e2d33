import { MATCHER_MEANINGS } from '../../checks/matchers.ts';
import { formatCount, formatShare, shareColumnFormat } from '../format.ts';
import type { RunResult } from '../resultModel.ts';
import { html } from './escape.ts';
import type { Html } from './escape.ts';

/** What a broken rule means to a reader: the pact's matchers, the checks of the body's shape, and the ingestion checks. */
const RULE_MEANINGS: Record<string, string> = {
  ...MATCHER_MEANINGS,
  type: 'wrong JSON type (or too few or too many items)',
  present: 'missing',
  json: 'body is not JSON',
  status: 'a status the pact has no interaction for',
  contentType: "another kind of body than the pact's",
  echo: 'stored text differs from the text sent',
  unique: 'message_id repeats an earlier answer',
  window: "created_at outside the request's send/receive window",
};

const REFERENCE_WORDS: Record<NonNullable<RunResult['overall']['contractViolations']>['examples'][number]['reference'], string> = {
  confirmed: 'confirms',
  disputed: 'DISPUTES',
  unavailable: 'not asked (unavailable)',
  notApplicable: '– (beyond the pact)',
};

/** Contract conformance of every checked response: by rule and path, per phase, with redacted examples. */
export function contractSection(result: RunResult): Html {
  const checks = result.overall.contractViolations;
  if (!result.contract || !checks) {
    return html`<section id="contract"><h2>Contract conformance</h2><p class="muted">Contract checks were off for this run (<code>contract: false</code>).</p></section>`;
  }
  const sampled = result.contract.sampleShare < 1 ? ` (a ${formatShare(result.contract.sampleShare)} sample)` : '';
  const verdict =
    checks.checked === 0
      ? html`<p class="regressed"><strong>No response was checked against the pact${sampled}: the contract was not judged.</strong></p>`
      : checks.count === 0
        ? html`<p class="steady"><strong>All ${formatCount(checks.checked)} checked responses${sampled} honoured the contract.</strong></p>`
        : html`<p class="regressed"><strong>${formatCount(checks.count)} of ${formatCount(checks.checked)} checked responses${sampled} broke the contract (${formatShare(checks.rate)}).</strong></p>`;
  const kindShare = shareColumnFormat(checks.byKind.map((kind) => kind.count / Math.max(1, checks.checked)));
  const kinds = checks.byKind.map(
    (kind) =>
      html`<tr class="fail"><td><code>${kind.rule}</code></td><td><code>${kind.path}</code></td><td>${kind.source === 'pact' ? 'pact rule' : 'ingestion check'}</td><td>${RULE_MEANINGS[kind.rule] ?? ''}</td><td class="num">${formatCount(kind.count)}</td><td class="num">${kindShare(kind.count / Math.max(1, checks.checked))}</td></tr>`,
  );
  const phaseShare = shareColumnFormat(result.phases.map((phase) => phase.contractViolations?.rate ?? 0));
  const phases = result.phases.map((phase) => {
    const scope = phase.contractViolations;
    if (!phase.ran) return html`<tr class="not-run"><th scope="row">${phase.name}</th><td colspan="3" class="muted">not run</td></tr>`;
    return scope
      ? html`<tr><th scope="row">${phase.name}</th><td class="num">${formatCount(scope.checked)}</td><td class="num">${formatCount(scope.count)}</td><td class="num">${phaseShare(scope.rate)}</td></tr>`
      : '';
  });
  const noInteraction = Object.entries(checks.noInteraction);
  const encodings = Object.entries(checks.contentEncodings);
  const examples = checks.examples.map(
    (e) =>
      html`<tr class="${e.reference === 'disputed' ? 'fail' : ''}"><td class="nowrap">HTTP ${e.status}</td><td class="nowrap"><code>${e.rule}</code><br><code>${e.path}</code></td><td>${e.expected}</td><td><code>${e.actual}</code></td><td>${REFERENCE_WORDS[e.reference]}</td><td><pre class="body">${e.bodyExcerpt || '(empty body)'}</pre></td></tr>`,
  );
  const reference = result.contract.reference;
  const referenceNote = !reference
    ? ''
    : reference.unavailable
      ? html`<p class="note regressed">Pact's reference verifier could not be asked about these answers: ${reference.unavailable}.</p>`
      : html`<p class="note ${reference.disputed.length > 0 ? 'regressed' : ''}">The first answer of each kind of pact violation was replayed, as received, through Pact's reference verifier: ${reference.confirmed} of ${reference.replayed} confirmed broken${reference.disputed.length > 0 ? html`; <strong>disputed</strong> (the verifier passes them): ${reference.disputed.join('; ')}` : ''}.</p>`;
  return html`<section id="contract"><h2>Contract conformance</h2>
${verdict}
<p class="note">Each response was matched to the pact interaction for its status (${result.contract.statuses.join(', ')}) and checked against its matching rules, from <code>${result.contract.pactFile}</code>; every 200 was also checked for what a pact cannot express: the stored <code>message_body</code> equals the text sent, <code>message_id</code> is unique across the run, and <code>created_at</code> lies within the request's send/receive window (±${formatCount(result.contract.clockSkewMs)} ms for clock skew).</p>
${kinds.length > 0 ? html`<h3>Violations by rule</h3><table><thead><tr><th>rule</th><th>path</th><th>from</th><th>meaning</th><th class="num">responses</th><th class="num">share</th></tr></thead><tbody>${kinds}</tbody></table>` : ''}
<h3>By phase</h3><table><thead><tr><th>phase</th><th class="num">checked</th><th class="num">violating</th><th class="num">rate</th></tr></thead><tbody>${phases}</tbody></table>
${noInteraction.length > 0 ? html`<p class="note">Not checked: statuses the users CSV expects and the pact has no interaction for, ${noInteraction.map(([status, count]) => `HTTP ${status}: ${formatCount(count)}`).join(', ')}.</p>` : ''}
${encodings.length > 0 ? html`<p class="note">Compressed answers, checked decoded: ${encodings.map(([encoding, count]) => `${encoding}: ${formatCount(count)}`).join(', ')}.</p>` : ''}
${examples.length > 0 ? html`<h3>Examples</h3><p class="note">The first response of each kind; message texts are redacted to their length.</p>${referenceNote}<div class="scroll"><table><thead><tr><th>answer</th><th>rule</th><th>expected</th><th>actual</th><th>Pact's verifier</th><th>body</th></tr></thead><tbody>${examples}</tbody></table></div>` : ''}
</section>`;
}
