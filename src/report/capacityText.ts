// A capacity search in words, for the terminal, the verdict and the report.
import { capacityShort } from './buildResult.ts';
import { formatDurationMs, formatShare, formatThresholdValue } from './format.ts';
import { TOO_MANY_UNANSWERED } from './resultModel.ts';
import type { CapacityResult, PhaseResult } from './resultModel.ts';
import { parseThreshold, thresholdUnit } from '../scenario/thresholds.ts';

type Trial = CapacityResult['trials'][number];

/** An SLO's figure on a trial, in its own unit (∞ or the reason when it has none). */
export function sloValue(failure: Trial['failed'][number]): string {
  if (failure.actual === null) return failure.reason === TOO_MANY_UNANSWERED ? '∞' : (failure.reason ?? '∞');
  const parsed = parseThreshold(failure.expr);
  return 'problem' in parsed ? String(failure.actual) : formatThresholdValue(failure.actual, thresholdUnit(parsed.metric));
}

/** A trial in a line, as it ends: its rate, verdict and what broke. */
export function describeTrial(trial: Trial, index: number): string {
  const role = trial.role === 'trial' ? `trial ${index}` : trial.role === 'confirmation' ? 'confirmation' : 'recovery probe';
  const p99 = trial.p99Ms === null ? '∞' : formatDurationMs(trial.p99Ms);
  const figures = `achieved ${trial.achievedPerSec}/s, p99 ${p99}, errors ${formatShare(trial.errorRate)}`;
  if (trial.held) return `${role}: ${trial.askedPerSec}/s held (${figures})`;
  return `${role}: ${trial.askedPerSec}/s FAILED ${trial.failed.map((f) => `${f.expr} (${sloValue(f)})`).join(', ')} (${figures})`;
}

/** What a search found, in a line: `Capacity 412/s (held p99 < 250ms; at 440/s p99 was 612ms)`, and its gate. */
export function capacityWords(phase: PhaseResult): string {
  const capacity = phase.capacity!;
  const slo = phase.plan.search?.slo.join(', ') ?? 'its SLO';
  const held = capacity.heldPerSec;
  const found =
    capacity.bound === 'generator' ? `Capacity at least ${held ?? 0}/s` : held === null ? `No rate held ${slo}` : `Capacity ${held}/s (held ${slo})`;
  const why = capacity.reason ? `: ${capacity.reason}` : '';
  const last = capacity.trials.at(-1);
  const roleWord = (role: Trial['role']) => (role === 'trial' ? 'trial' : role === 'confirmation' ? 'confirmation' : 'recovery probe');
  const when = capacity.stoppedDuring
    ? ` during the ${capacity.stoppedDuring.askedPerSec}/s ${roleWord(capacity.stoppedDuring.role)}`
    : last
      ? ` after the ${last.askedPerSec}/s ${roleWord(last.role)}`
      : '';
  const interrupted =
    capacity.bound === 'interrupted'
      ? `; interrupted${when}, so ${held === null ? 'nothing held' : `${held}/s held so far`}`
      : capacity.bound === 'time'
        ? ' (maxDuration spent before the search ended)'
        : '';
  const gate = capacity.atLeastPerSec;
  const verdict =
    gate === null ? '' : capacityShort(capacity) ? `; below atLeast ${gate}/s by ${Math.round((gate - (held ?? 0)) * 10) / 10}/s` : `; meets atLeast ${gate}/s`;
  return `${found}${why}${interrupted}${verdict}`;
}
