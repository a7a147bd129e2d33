/**
 * Time-zone offsets of date/time patterns as pact_models' time_utils reads them (x, X, Z, O), and
 * the greedy digit reader every field uses. Offsets take hours 0-11, as the reference does.
 */

/** Greedy digits: at least `min`, at most `max`; -1 or the end. Value within [lower, upper]. */
export function readNumber(text: string, at: number, min: number, max: number, lower: number, upper: number): { end: number; value: number } | undefined {
  let end = at;
  let value = 0;
  while (end < text.length && end - at < max) {
    const digit = text.charCodeAt(end) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    end++;
  }
  if (end - at < min || value < lower || value > upper) return undefined;
  return { end, value };
}

function signs(text: string, at: number): number {
  let end = at;
  while (text[end] === '+' || text[end] === '-') end++;
  return end === at ? -1 : end;
}

const hourOffset = (text: string, at: number) => readNumber(text, at, 1, 2, 0, 11)?.end ?? -1;
const minuteAt = (text: string, at: number) => readNumber(text, at, 1, 2, 0, 59)?.end ?? -1;
const secondAt = (text: string, at: number) => readNumber(text, at, 1, 2, 0, 60)?.end ?? -1;
const literal = (text: string, at: number, expected: string) => (text.startsWith(expected, at) ? at + expected.length : -1);

/** Steps that must each succeed; an optional step that fails leaves the position as it was. */
function sequence(text: string, at: number, steps: ((text: string, at: number) => number)[], optionalFrom = steps.length): number {
  let position = at;
  for (let i = 0; i < steps.length; i++) {
    const next = steps[i]!(text, position);
    if (next === -1) {
      if (i >= optionalFrom) return position;
      return -1;
    }
    position = next;
  }
  return position;
}

/** `x`/`X` offsets: +HH[mm], +HHmm, +HH:mm, +HHmm[ss], +HH:mm[:ss]. */
export function longOffset(text: string, at: number, count: number): number {
  const start = signs(text, at);
  if (start === -1) return -1;
  switch (count) {
    case 1:
      return sequence(text, start, [hourOffset, minuteAt], 1);
    case 2:
      return sequence(text, start, [hourOffset, minuteAt]);
    case 3:
      return sequence(text, start, [hourOffset, (t, p) => literal(t, p, ':'), minuteAt]);
    case 4:
      return sequence(text, start, [hourOffset, minuteAt, secondAt], 2);
    default: {
      const base = sequence(text, start, [hourOffset, (t, p) => literal(t, p, ':'), minuteAt]);
      if (base === -1) return -1;
      const seconds = sequence(text, base, [(t, p) => literal(t, p, ':'), secondAt]);
      return seconds === -1 ? base : seconds;
    }
  }
}

/** `Z` offsets: +HHmm; GMT/UTC with an optional +HH:mm; +HH:mm. */
export function offsetZ(text: string, at: number, count: number): number {
  const hourMinute = (t: string, p: number) => sequence(t, signs(t, p) === -1 ? -1 : signs(t, p), [hourOffset, (u, q) => literal(u, q, ':'), minuteAt]);
  if (count <= 3) {
    const start = signs(text, at);
    return start === -1 ? -1 : sequence(text, start, [hourOffset, minuteAt]);
  }
  if (count === 4) {
    for (const zone of ['GMT', 'UTC']) {
      const after = literal(text, at, zone);
      if (after === -1) continue;
      if (signs(text, after) !== -1) {
        const withOffset = hourMinute(text, after);
        if (withOffset !== -1) return withOffset;
      }
      return after;
    }
    return -1;
  }
  return signs(text, at) === -1 ? -1 : hourMinute(text, at);
}

/** `O` offsets: GMT/UTC then +H[:mm] (1-3 letters) or +HH:mm (4). */
export function offsetGmt(text: string, at: number, count: number): number {
  const zone = literal(text, at, 'GMT') !== -1 ? at + 3 : literal(text, at, 'UTC') !== -1 ? at + 3 : -1;
  if (zone === -1) return -1;
  const start = signs(text, zone);
  if (start === -1) return -1;
  if (count <= 3) {
    const hour = hourOffset(text, start);
    if (hour === -1) return -1;
    const minutes = sequence(text, hour, [(t, p) => literal(t, p, ':'), minuteAt]);
    return minutes === -1 ? hour : minutes;
  }
  return sequence(text, start, [hourOffset, (t, p) => literal(t, p, ':'), minuteAt]);
}
