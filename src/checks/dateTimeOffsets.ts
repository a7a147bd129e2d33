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
const colon = (text: string, at: number) => literal(text, at, ':');

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

/** `steps` all or none (nom's opt of a tuple): the position after them, or `at` unchanged. */
function optional(text: string, at: number, steps: ((text: string, at: number) => number)[]): number {
  const end = sequence(text, at, steps);
  return end === -1 ? at : end;
}

/** Signs, then `steps`: the shape of every numeric offset. */
function signed(text: string, at: number, steps: ((text: string, at: number) => number)[], optionalFrom?: number): number {
  const start = signs(text, at);
  return start === -1 ? -1 : sequence(text, start, steps, optionalFrom);
}

/** +HH:mm, the offset most patterns end with. */
const hourColonMinute = (text: string, at: number) => signed(text, at, [hourOffset, colon, minuteAt]);

/** `x`/`X` offsets: +HH[mm], +HHmm, +HH:mm, +HHmm[ss], +HH:mm[:ss]. */
export function longOffset(text: string, at: number, count: number): number {
  switch (count) {
    case 1:
      return signed(text, at, [hourOffset, minuteAt], 1);
    case 2:
      return signed(text, at, [hourOffset, minuteAt]);
    case 3:
      return hourColonMinute(text, at);
    case 4:
      return signed(text, at, [hourOffset, minuteAt, secondAt], 2);
    default: {
      const base = hourColonMinute(text, at);
      return base === -1 ? -1 : optional(text, base, [colon, secondAt]);
    }
  }
}

/** `Z` offsets: +HHmm; GMT/UTC with an optional +HH:mm; +HH:mm. */
export function offsetZ(text: string, at: number, count: number): number {
  if (count <= 3) return signed(text, at, [hourOffset, minuteAt]);
  if (count > 4) return hourColonMinute(text, at);
  const after = Math.max(literal(text, at, 'GMT'), literal(text, at, 'UTC'));
  if (after === -1) return -1;
  const withOffset = hourColonMinute(text, after);
  return withOffset === -1 ? after : withOffset;
}

/** `O` offsets: GMT/UTC then +H[:mm] (1-3 letters) or +HH:mm (4). */
export function offsetGmt(text: string, at: number, count: number): number {
  const zone = Math.max(literal(text, at, 'GMT'), literal(text, at, 'UTC'));
  if (zone === -1) return -1;
  if (count > 3) return hourColonMinute(text, zone);
  const hour = signed(text, zone, [hourOffset]);
  return hour === -1 ? -1 : optional(text, hour, [colon, minuteAt]);
}
