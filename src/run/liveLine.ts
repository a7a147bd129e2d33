import type { TimelineSecond } from '../metrics/runRecorder.ts';
import { formatDurationMs } from '../util/duration.ts';

/** What one progress line shows. */
export interface LiveFigures {
  elapsedSec: number;
  phase: string;
  targetRate: number | null;
  lastSecond: TimelineSecond | undefined;
  inFlight: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  sent: number;
  dropped: number;
  /** Responses that broke the contract so far; null when contract checks are off. */
  contractViolations: number | null;
}

/** One line per second: phase, target vs achieved rate, in flight, p50/p99 so far, errors. */
export function formatLiveLine(f: LiveFigures): string {
  const achieved = f.lastSecond?.sent ?? 0;
  const target = f.targetRate === null ? 'closed' : `${Math.round(f.targetRate)}/s`;
  const errorShare = f.sent === 0 ? 0 : (100 * f.errors) / f.sent;
  return [
    `[${String(Math.round(f.elapsedSec)).padStart(4)}s]`,
    f.phase.padEnd(10),
    `target ${target.padStart(7)}`,
    `achieved ${`${achieved}/s`.padStart(7)}`,
    `in-flight ${String(f.inFlight).padStart(4)}`,
    `p50 ${formatDurationMs(f.p50Ms).padStart(7)}`,
    `p99 ${formatDurationMs(f.p99Ms).padStart(7)}`,
    `errors ${f.errors} (${errorShare.toFixed(2)}%)`,
    f.contractViolations === null ? '' : `contract ${f.contractViolations}`,
    f.dropped > 0 ? `dropped ${f.dropped}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}
