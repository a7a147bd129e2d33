/**
 * Compiles a Java DateTimeFormatter pattern (what Pact's `datetime`, `date` and `time` matchers
 * carry, e.g. `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`) into a check: the text has that shape AND its
 * fields are a real date and time (no month 13, no 31 April, no 25 o'clock).
 */
export function compileDateTimeFormat(pattern: string): ((text: string) => boolean) | { problem: string } {
  let source = '^';
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) return { problem: `unclosed quote in "${pattern}"` };
      const literal = end === i + 1 ? "'" : pattern.slice(i + 1, end);
      source += escapeRegex(literal);
      tokens.push({ literal });
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(char)) {
      source += escapeRegex(char);
      tokens.push({ literal: char });
      i++;
      continue;
    }
    let count = 1;
    while (pattern[i + count] === char) count++;
    const field = FIELDS[char];
    if (!field) return { problem: `pattern letter "${char}" in "${pattern}" is not supported` };
    const maxCount = MAX_LETTERS[char];
    if (maxCount !== undefined && count > maxCount) return { problem: `too many pattern letters "${char.repeat(count)}" in "${pattern}" (at most ${maxCount}, as in Java)` };
    source += `(${field(count)})`;
    tokens.push({ letter: char, count });
    i += count;
  }
  const regex = new RegExp(`${source}$`);
  const fields = tokens.filter((token): token is FieldToken => 'letter' in token);
  // Reused by every call (checks are synchronous): checking a response allocates nothing.
  const values: number[] = fields.map(() => 0);
  const fastLayout = digitLayout(tokens);
  return (text) => {
    if (fastLayout && text.length === fastLayout.length) return readDigits(fastLayout, text, values) && validFields(fields, values);
    const match = regex.exec(text);
    if (match === null) return false;
    for (let f = 0; f < fields.length; f++) {
      const { letter, count } = fields[f]!;
      const group = match[f + 1]!;
      values[f] = letter === 'M' && count >= 3 ? MONTHS.indexOf(group.slice(0, 3).toLowerCase()) + 1 : Number(group);
    }
    return validFields(fields, values);
  };
}

interface FieldToken {
  letter: string;
  count: number;
}
type Token = FieldToken | { literal: string };

/** Where each piece sits in a text whose every number has its shortest width. */
interface DigitLayout {
  length: number;
  pieces: ({ kind: 'literal'; offset: number; text: string } | { kind: 'digits'; offset: number; width: number; field: number })[];
}

/**
 * A fast path for patterns of digits and literals only (the ISO timestamps pacts carry): a text
 * exactly as long as the shortest match can only split one way, so it is read by position.
 * Longer texts, and other patterns, go through the regex.
 */
function digitLayout(tokens: readonly Token[]): DigitLayout | undefined {
  const pieces: DigitLayout['pieces'] = [];
  let offset = 0;
  let field = 0;
  for (const token of tokens) {
    if ('literal' in token) {
      pieces.push({ kind: 'literal', offset, text: token.literal });
      offset += token.literal.length;
      continue;
    }
    const width = DIGIT_FIELDS[token.letter]?.(token.count)?.min;
    if (width === undefined) return undefined;
    pieces.push({ kind: 'digits', offset, width, field: field++ });
    offset += width;
  }
  return { length: offset, pieces };
}

function readDigits(layout: DigitLayout, text: string, values: number[]): boolean {
  for (const piece of layout.pieces) {
    if (piece.kind === 'literal') {
      if (!text.startsWith(piece.text, piece.offset)) return false;
      continue;
    }
    let value = 0;
    for (let at = piece.offset; at < piece.offset + piece.width; at++) {
      const digit = text.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) return false;
      value = value * 10 + digit;
    }
    values[piece.field] = value;
  }
  return true;
}

/** Digits a field of `count` letters takes, for the fields that are digits only (Java's rules). */
const DIGIT_FIELDS: Record<string, (count: number) => { min: number; max: number } | undefined> = {
  y: (n) => (n === 2 ? { min: 2, max: 2 } : { min: Math.max(4, n), max: 9 }),
  M: (n) => (n === 1 ? { min: 1, max: 2 } : n === 2 ? { min: 2, max: 2 } : undefined),
  d: oneOrTwoDigits,
  D: (n) => ({ min: n, max: 3 }),
  H: oneOrTwoDigits,
  h: oneOrTwoDigits,
  k: oneOrTwoDigits,
  K: oneOrTwoDigits,
  m: oneOrTwoDigits,
  s: oneOrTwoDigits,
  S: (n) => ({ min: n, max: n }),
};

function oneOrTwoDigits(count: number): { min: number; max: number } {
  return count === 1 ? { min: 1, max: 2 } : { min: 2, max: 2 };
}

function digitsSource(width: { min: number; max: number }): string {
  return width.min === width.max ? `\\d{${width.min}}` : `\\d{${width.min},${width.max}}`;
}

/** The regex source of a field of `count` letters; digit widths come from DIGIT_FIELDS. */
const FIELDS: Record<string, (count: number) => string> = {
  ...Object.fromEntries(Object.entries(DIGIT_FIELDS).map(([letter, digits]) => [letter, (n: number) => digitsSource(digits(n)!)])),
  // MMM and MMMM are month names.
  M: (n) => {
    const digits = DIGIT_FIELDS.M!(n);
    return digits ? digitsSource(digits) : n === 3 ? '[A-Z][a-z]{2}' : '[A-Z][a-z]+';
  },
  // Like y, and signed except in its two-digit form.
  u: (n) => `${n === 2 ? '' : '-?'}${digitsSource(DIGIT_FIELDS.y!(n)!)}`,
  a: () => '[AaPp][Mm]',
  E: (n) => (n <= 3 ? '[A-Z][a-z]{2}' : '[A-Z][a-z]+'),
  X: (n) => (n === 1 ? 'Z|[+-]\\d{2}(?:\\d{2})?' : n === 2 || n === 4 ? 'Z|[+-]\\d{4}' : 'Z|[+-]\\d{2}:\\d{2}'),
  x: (n) => (n === 1 ? '[+-]\\d{2}(?:\\d{2})?' : n === 2 || n === 4 ? '[+-]\\d{4}' : '[+-]\\d{2}:\\d{2}'),
  Z: (n) => (n <= 3 ? '[+-]\\d{4}' : n === 4 ? 'GMT(?:[+-]\\d{2}:\\d{2})?' : 'Z|[+-]\\d{2}:\\d{2}'),
  z: () => '[A-Za-z][A-Za-z0-9/_+-]*',
};

/** How many times java.time lets a letter repeat ("Too many pattern letters" past this); the others are unbounded. */
const MAX_LETTERS: Record<string, number> = { M: 5, d: 2, D: 3, H: 2, h: 2, k: 2, K: 2, m: 2, s: 2, S: 9, a: 1, E: 5, X: 5, x: 5, Z: 5, z: 4 };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Whether the fields' values (in pattern order) name a real date and time. */
function validFields(fields: readonly FieldToken[], values: readonly number[]): boolean {
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  for (let i = 0; i < fields.length; i++) {
    const { letter, count } = fields[i]!;
    const n = values[i]!;
    switch (letter) {
      case 'y':
      case 'u':
        year = count === 2 ? 2000 + n : n;
        break;
      case 'M':
        month = n;
        if (month < 1 || month > 12) return false;
        break;
      case 'd':
        day = n;
        if (day < 1 || day > 31) return false;
        break;
      case 'D':
        if (n < 1 || n > 366) return false;
        break;
      case 'H':
        if (n > 23) return false;
        break;
      case 'k':
        if (n < 1 || n > 24) return false;
        break;
      case 'h':
        if (n < 1 || n > 12) return false;
        break;
      case 'K':
        if (n > 11) return false;
        break;
      case 'm':
      case 's':
        if (n > 59) return false;
        break;
    }
  }
  if (day !== undefined && month !== undefined && day > daysInMonth(year ?? 2000, month)) return false;
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1-12) of the proleptic Gregorian calendar, as java.time counts them. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
