// How busy a bench target was while a side of a row ran: a row whose target was near the limit of
// its core measures the target, not the generator, so it gets no verdict (see docs/performance.md).
import { readFile } from 'node:fs/promises';

/** Above this share of its core while busy, a target caps what any generator can get from it. */
export const TARGET_BOUND_SHARE = 0.8;
const SAMPLE_EVERY_MS = 250;
/** Linux reports process CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel. */
const TICKS_PER_SEC = 100;
/** Windows where the target used less than this are before or after the load, not during it. */
const BUSY_SHARE = 0.1;

/** CPU seconds (user + system, every thread) a process has used, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces), counted from field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
}

/** The target's share of one core, sampled every 250 ms while `work` runs: the mean over the windows it was busy in. */
export async function withTargetShare<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ value: T; targetShare: number | null }> {
  if (pid === undefined) return { value: await work(), targetShare: null };
  const shares: number[] = [];
  let last = { cpu: await cpuSeconds(pid), atMs: performance.now() };
  const timer = setInterval(async () => {
    const now = { cpu: await cpuSeconds(pid), atMs: performance.now() };
    if (now.cpu !== undefined && last.cpu !== undefined) shares.push((now.cpu - last.cpu) / ((now.atMs - last.atMs) / 1000));
    last = now;
  }, SAMPLE_EVERY_MS);
  try {
    const value = await work();
    const busy = shares.filter((share) => share >= BUSY_SHARE);
    return { value, targetShare: busy.length === 0 ? null : busy.reduce((sum, share) => sum + share, 0) / busy.length };
  } finally {
    clearInterval(timer);
  }
}

/** The busiest the target was over a side's runs (null when it could not be read). */
export function busiest(shares: readonly (number | null)[]): number | null {
  const known = shares.filter((share): share is number => share !== null);
  return known.length === 0 ? null : Math.max(...known);
}

/** How a row states its target's load, and whether that disqualifies it. */
export function targetVerdict(shares: Record<string, number | null>): { targetBound: boolean; text: string } {
  const entries = Object.entries(shares);
  const targetBound = entries.some(([, share]) => share !== null && share > TARGET_BOUND_SHARE);
  const text = entries.map(([side, share]) => `${side} ${share === null ? 'n/a' : `${Math.round(share * 100)}%`}`).join(', ');
  return { targetBound, text: `target CPU while busy: ${text}${targetBound ? ` (over ${TARGET_BOUND_SHARE * 100}%: target-bound, no verdict)` : ''}` };
}
