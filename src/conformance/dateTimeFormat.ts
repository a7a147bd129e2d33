/**
 * Compiles a Java DateTimeFormatter pattern (what Pact's `datetime`, `date` and `time` matchers
 * carry, e.g. `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`) into a check: the text has that shape AND its
 * fields are a real date and time (no month 13, no 31 April, no 25 o'clock).
 */
export function compileDateTimeFormat(pattern: string): ((text: string) => boolean) | { problem: string } {
  let source = '^';
  const fields: string[] = [];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) return { problem: `unclosed quote in "${pattern}"` };
      const literal = end === i + 1 ? "'" : pattern.slice(i + 1, end);
      source += escapeRegex(literal);
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(char)) {
      source += escapeRegex(char);
      i++;
      continue;
    }
    let count = 1;
    while (pattern[i + count] === char) count++;
    const field = FIELDS[char];
    if (!field) return { problem: `pattern letter "${char}" in "${pattern}" is not supported` };
    source += `(${field(count)})`;
    fields.push(char.repeat(count));
    i += count;
  }
  const regex = new RegExp(`${source}$`);
  return (text) => {
    const match = regex.exec(text);
    return match !== null && validFields(fields, match);
  };
}

const FIELDS: Record<string, (count: number) => string> = {
  y: (n) => (n === 2 ? '\\d{2}' : `\\d{${Math.max(4, n)},9}`),
  u: (n) => (n === 2 ? '\\d{2}' : `-?\\d{${Math.max(4, n)},9}`),
  M: (n) => (n === 1 ? '\\d{1,2}' : n === 2 ? '\\d{2}' : n === 3 ? '[A-Z][a-z]{2}' : '[A-Z][a-z]+'),
  d: (n) => (n === 1 ? '\\d{1,2}' : '\\d{2}'),
  D: (n) => `\\d{${n},3}`,
  H: (n) => (n === 1 ? '\\d{1,2}' : '\\d{2}'),
  h: (n) => (n === 1 ? '\\d{1,2}' : '\\d{2}'),
  k: (n) => (n === 1 ? '\\d{1,2}' : '\\d{2}'),
  K: (n) => (n === 1 ? '\\d{1,2}' : '\\d{2}'),
  m: (n) => (n === 1 ? '\\d{1,2}' : '\\d{2}'),
  s: (n) => (n === 1 ? '\\d{1,2}' : '\\d{2}'),
  S: (n) => `\\d{${n}}`,
  a: () => '[AaPp][Mm]',
  E: (n) => (n <= 3 ? '[A-Z][a-z]{2}' : '[A-Z][a-z]+'),
  X: (n) => (n === 1 ? 'Z|[+-]\\d{2}(?:\\d{2})?' : n === 2 || n === 4 ? 'Z|[+-]\\d{4}' : 'Z|[+-]\\d{2}:\\d{2}'),
  x: (n) => (n === 1 ? '[+-]\\d{2}(?:\\d{2})?' : n === 2 || n === 4 ? '[+-]\\d{4}' : '[+-]\\d{2}:\\d{2}'),
  Z: (n) => (n <= 3 ? '[+-]\\d{4}' : n === 4 ? 'GMT(?:[+-]\\d{2}:\\d{2})?' : 'Z|[+-]\\d{2}:\\d{2}'),
  z: () => '[A-Za-z][A-Za-z0-9/_+-]*',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Whether the captured fields (groups 1.. of `match`, in pattern order) name a real date and time; allocates nothing, as it runs on every response. */
function validFields(fields: readonly string[], match: RegExpExecArray): boolean {
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const text = match[i + 1]!;
    const n = Number(text);
    switch (field[0]) {
      case 'y':
      case 'u':
        year = field.length === 2 ? 2000 + n : n;
        break;
      case 'M':
        month = field.length >= 3 ? MONTHS.indexOf(text.slice(0, 3).toLowerCase()) + 1 : n;
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
