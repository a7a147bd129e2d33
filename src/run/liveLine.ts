import type { TimelineSecond } from '../metrics/runRecorder.ts';
import { formatDurationMs } from '../util/duration.ts';

/** What one progress line shows: the second that just ended, then totals of the whole run so far. */
export interface LiveFigures {
  elapsedSec: number;
  phase: string;
  /** Requests the plan scheduled in the second; null when the phase has no rate fixed in advance (closed model, conversations). */
  targetRate: number | null;
  /** Conversations' messages follow answers: no target rate, and not a closed model either. */
  conversations?: boolean;
  lastSecond: TimelineSecond | undefined;
  inFlight: number;
  /** Whole-run totals. */
  errors: number;
  sent: number;
  dropped: number;
  /** Responses that broke the contract so far; null when contract checks are off. */
  contractViolations: number | null;
}

/**
 * One line per second. Every figure says its window: rates, `p50 (1s)`, `p99 (1s)` and
 * `errors (1s)` are of the second that just ended; after `run:` come totals of the run so far.
 */
export function formatLiveLine(f: LiveFigures): string {
  const second = f.lastSecond;
  const achieved = second?.sent ?? 0;
  const target = f.targetRate !== null ? `${Math.round(f.targetRate)}/s` : f.conversations ? '-' : 'closed';
  const newConnections = second?.connectionsOpened ?? 0;
  const answered = second !== undefined && second.completed > 0;
  const secondLatency = (ms: number | undefined) => (answered && ms !== undefined ? formatDurationMs(ms) : '-');
  const secondErrors = second ? Object.values(second.errors).reduce((sum, count) => sum + count, 0) : 0;
  const errorShare = f.sent === 0 ? 0 : (100 * f.errors) / f.sent;
  return [
    `[${String(Math.round(f.elapsedSec)).padStart(4)}s]`,
    f.phase.padEnd(10),
    `target ${target.padStart(7)}`,
    `achieved ${`${achieved}/s`.padStart(7)}`,
    `in-flight ${String(f.inFlight).padStart(4)}`,
    newConnections > 0 ? `new conns ${`${newConnections}/s`.padStart(6)}` : '',
    `p50 (1s) ${secondLatency(second?.p50Ms).padStart(7)}`,
    `p99 (1s) ${secondLatency(second?.p99Ms).padStart(7)}`,
    `errors (1s) ${String(secondErrors).padStart(3)}`,
    `| run: errors ${f.errors} (${errorShare.toFixed(2)}%)`,
    f.contractViolations === null ? '' : `contract ${f.contractViolations}`,
    f.dropped > 0 ? `dropped ${f.dropped}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}
