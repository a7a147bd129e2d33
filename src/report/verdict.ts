import { ExitCode } from '../errors.ts';
import type { Comparison } from './compare.ts';
import { formatCount, formatShare, thresholdLabel } from './format.ts';
import { capacityWords } from './capacityText.ts';
import type { RunResult } from './resultModel.ts';

/** The verdict in one word, as the terminal summary, the HTML banner and the page title show it. */
export type VerdictWord = 'PASSED' | 'FAILED' | 'REGRESSED' | 'INTERRUPTED';

/** A run's whole verdict: one word, the exit code that goes with it, and every reason in a line each. */
export interface Verdict {
  word: VerdictWord;
  exitCode: ExitCode;
  /** What the verdict rests on, most important first: failed thresholds, contract, regression, phases not run. */
  reasons: string[];
}

/**
 * Judges a run (and its comparison with a baseline, when there is one). The exit code of `load`
 * and `report` and every verdict shown to a person come from here, so they cannot disagree.
 * Precedence: interrupted (130) beats a failed threshold or an abortOnFail stop (1), which beats a
 * regression against the baseline (4).
 */
export function judgeRun(result: RunResult, comparison?: Comparison): Verdict {
  const reasons: string[] = [];
  if (result.interrupted) reasons.push(`Interrupted: ${result.abortReason ?? 'stopped by a signal'}`);
  else if (result.aborted) reasons.push(`Stopped early: ${result.abortReason ?? 'aborted'}`);

  if (result.overall.requests.sent === 0) reasons.push('No request was sent');
  else if (result.overall.errorRate >= 1) reasons.push('Every request failed (error rate 100%)');
  for (const phase of result.phases) if (phase.capacity) reasons.push(capacityWords(phase));

  const notRun = result.phases.filter((phase) => !phase.ran).map((phase) => phase.name);
  if (notRun.length > 0) reasons.push(`Not run: ${notRun.join(', ')} (their thresholds were not evaluated)`);

  const evaluated = result.thresholds.filter((t) => t.passed !== null);
  const failed = evaluated.filter((t) => t.passed === false);
  const explicit = result.thresholds.filter((t) => !t.implicit);
  if (failed.length > 0) reasons.push(`${failed.length} of ${evaluated.length} thresholds failed: ${failed.map(thresholdLabel).join('; ')}`);
  else if (explicit.length > 0) reasons.push(`All ${evaluated.length} evaluated thresholds passed`);
  else if (result.thresholds.length === 0) reasons.push('No thresholds set');

  const contract = result.overall.contractViolations;
  if (result.contract && contract) {
    // Honoured by all of none is no verdict: it never reads as one.
    reasons.push(
      contract.checked === 0
        ? 'Contract not judged: no response was checked against the pact'
        : contract.count === 0
          ? `Contract honoured by all ${formatCount(contract.checked)} checked responses`
          : `Contract broken by ${formatCount(contract.count)} of ${formatCount(contract.checked)} checked responses (${formatShare(contract.rate)})`,
    );
    const reference = result.contract.reference;
    if (reference?.unavailable) reasons.push(`Warning: Pact's reference verifier could not confirm the broken answers (${reference.unavailable})`);
    else if (reference && reference.disputed.length > 0)
      reasons.push(`Warning: Pact's reference verifier passes answers our checks failed: ${reference.disputed.join('; ')}`);
  } else reasons.push('Contract not checked (contract: false)');

  if (comparison) {
    const regressions = comparison.rows.filter((row) => row.regressed).length;
    reasons.push(
      regressions > 0
        ? `Regressed against the baseline: ${regressions} metric${regressions === 1 ? '' : 's'} beyond ${formatShare(comparison.tolerance)}`
        : `No regression against the baseline (tolerance ${formatShare(comparison.tolerance)})`,
    );
    for (const warning of comparison.warnings) reasons.push(`Warning: ${warning}`);
  }

  if (result.target.tlsVerified === false) reasons.push(`Warning: TLS certificates of the target were not verified (--insecure)`);

  if (result.interrupted) return { word: 'INTERRUPTED', exitCode: ExitCode.interrupted, reasons };
  if (!result.passed) return { word: 'FAILED', exitCode: ExitCode.thresholdFailed, reasons };
  if (comparison?.regressed) return { word: 'REGRESSED', exitCode: ExitCode.regression, reasons };
  return { word: 'PASSED', exitCode: ExitCode.ok, reasons };
}
