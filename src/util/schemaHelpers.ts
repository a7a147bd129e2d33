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

/** A share written as a fraction (0.01) or a percentage string (`1%`); parses to 0..1. */
export const shareSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const share = typeof value === 'number' ? value : /^\s*\d+(\.\d+)?\s*%\s*$/.test(value) ? Number.parseFloat(value) / 100 : Number.NaN;
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
