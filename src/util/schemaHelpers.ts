import { z } from 'zod';
import { parseDurationMs } from './duration.ts';

/** A duration written with its unit (`20ms`, `1.5s`, `2m`); parses to milliseconds. */
export const durationMsSchema = z.union([z.string(), z.number()]).transform((text, ctx) => {
  const durationMs = typeof text === 'string' ? parseDurationMs(text) : undefined;
  if (durationMs === undefined) {
    const hint = typeof text === 'number' ? ' (add a unit)' : '';
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 250ms, 10s or 2m, got ${JSON.stringify(text)}${hint}` });
    return z.NEVER;
  }
  return durationMs;
});

/**
 * A number written in decimal (`12`, `0.5`, `-3`), or undefined: JavaScript's Number() also takes
 * `0x10`, `0b1`, `1e3`, `Infinity` and blanks, none of which a person means in a data file or a flag.
 */
export function decimalNumber(text: string): number | undefined {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : undefined;
}

/** A share written as a fraction (0.01, or "0.01" as a flag gives it) or a percentage (`1%`); parses to 0..1. */
export const shareSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const percent = typeof value === 'string' && /%\s*$/.test(value) ? decimalNumber(value.replace(/%\s*$/, '')) : undefined;
  const share = typeof value === 'number' ? value : percent !== undefined ? percent / 100 : (decimalNumber(value) ?? Number.NaN);
  if (!(share >= 0 && share <= 1)) {
    ctx.addIssue({ code: 'custom', message: `expected a share between 0 and 1 (or 0% to 100%), got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return share;
});

/** Formats zod issues as `field.path: message` lines, every one of them. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${prefix}${path || '(root)'}: ${issue.message}`;
  });
}
