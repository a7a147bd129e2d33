const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)\s*$/;
const MS_PER_UNIT: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `250ms`, `1.5s`, `2m`, `1h` or `500us` into milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * MS_PER_UNIT[unit as string]!;
}

/** Formats milliseconds for people: `850µs`, `12.3ms`, `4.2s`, `2m05s`. */
export function formatDurationMs(durationMs: number): string {
  if (!Number.isFinite(durationMs)) return String(durationMs);
  // Each unit is chosen by the value as it will be rounded, so 999.6 ms reads 1s, not 1000ms.
  if (Math.round(durationMs * 1000) < 1000) return `${Math.round(durationMs * 1000)}µs`;
  if (durationMs < 100) return `${trimZeros(durationMs.toFixed(2))}ms`;
  if (Math.round(durationMs) < 1000) return `${Math.round(durationMs)}ms`;
  if (Math.round(durationMs / 10) < 6000) return `${trimZeros((durationMs / 1000).toFixed(2))}s`;
  const totalSeconds = Math.round(durationMs / 1000);
  return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
