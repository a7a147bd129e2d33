import { readFileSync } from 'node:fs';

/**
 * This process's soft limit on open file descriptors (what `ulimit -n` prints), read from
 * /proc/self/limits; undefined where that file does not exist (not Linux) or the limit is unlimited.
 */
export function openFileLimit(): number | undefined {
  let limits: string;
  try {
    limits = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
}
