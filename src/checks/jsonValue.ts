/**
 * JSON values as Pact's reference engine (Rust, serde_json) sees them, where JavaScript cannot:
 * `1` is an integer and `1.0` or `1e3` a decimal, and integers past 2^53 keep every digit.
 *
 * Representation: a plain JS number in a parsed value always came from an integer literal that
 * JavaScript holds exactly; every other number literal is a `JsonNumber` carrying its text.
 */
export class JsonNumber {
  /** The literal as written, e.g. `1.0`, `1e3`, `12345678901234567890`. */
  readonly text: string;
  readonly value: number;
  /** An integer as serde_json reads one: no fraction or exponent, within u64 (or i64 when negative). */
  readonly isInteger: boolean;

  constructor(text: string) {
    this.text = text;
    this.value = Number(text);
    this.isInteger = /^-?\d+$/.test(text) && fitsSerdeInteger(text);
  }
}

const U64_MAX = 18446744073709551615n;
const I64_MIN = -9223372036854775808n;

function fitsSerdeInteger(text: string): boolean {
  const big = BigInt(text);
  return big >= I64_MIN && big <= U64_MAX;
}

/** Returned by `parseJson` for text that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * Parses JSON text. Most bodies hold only short integer literals; for those the engine's own
 * JSON.parse is exact and nothing else runs but a scan of the text between strings. Anything else
 * goes through a parser that keeps each number's literal.
 */
export function parseJson(text: string): unknown | typeof NOT_JSON {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
  if (typeof value !== 'object' || value === null) {
    // A bare number: its literal is the whole text.
    return typeof value === 'number' ? numberFromLiteral(text.trim()) : value;
  }
  return onlyShortIntegers(text) ? value : parseKeepingLiterals(text);
}

/** The slow path alone, for text JSON.parse accepts: every number keeps its literal. */
export function parseKeepingLiterals(text: string): unknown {
  return new LiteralParser(text).parseDocument();
}

/** A number from its literal: a plain number when it is an integer JavaScript holds exactly. */
function numberFromLiteral(literal: string): number | JsonNumber {
  return /^-?\d{1,15}$/.test(literal) ? Number(literal) : new JsonNumber(literal);
}

/**
 * Whether every number literal outside strings is an integer of at most 15 digits. Strings are
 * skipped with indexOf (a 2.6 KB message body costs two calls); only the short stretches between
 * them are read character by character.
 */
function onlyShortIntegers(text: string): boolean {
  let at = 0;
  for (;;) {
    const quote = text.indexOf('"', at);
    const end = quote === -1 ? text.length : quote;
    let digits = 0;
    for (let i = at; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code >= 48 && code <= 57) {
        if (++digits > 15) return false;
      } else {
        // Outside strings '.' only occurs in a number; 'e' or 'E' right after a digit is an exponent
        // (the 'e' of true and false follows a letter).
        if (code === 46) return false;
        if ((code === 101 || code === 69) && digits > 0) return false;
        digits = 0;
      }
    }
    if (quote === -1) return true;
    at = closingQuote(text, quote) + 1;
    if (at === 0) return true;
  }
}

/** The index of the quote closing the string opened at `open` (-1 when there is none). */
function closingQuote(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close !== -1) {
    let backslashes = 0;
    for (let i = close - 1; text.charCodeAt(i) === 92; i--) backslashes++;
    if (backslashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return -1;
}

/** A strict JSON parser for text JSON.parse accepted, keeping number literals (the slow path). */
class LiteralParser {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parseDocument(): unknown {
    return this.#value();
  }

  #skipSpace(): void {
    const text = this.#text;
    while (this.#at < text.length) {
      const code = text.charCodeAt(this.#at);
      if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return;
      this.#at++;
    }
  }

  #value(): unknown {
    this.#skipSpace();
    const text = this.#text;
    const char = text[this.#at];
    if (char === '{') {
      this.#at++;
      const object: Record<string, unknown> = {};
      this.#skipSpace();
      if (text[this.#at] === '}') {
        this.#at++;
        return object;
      }
      for (;;) {
        this.#skipSpace();
        const key = this.#string();
        this.#skipSpace();
        this.#at++; // ':'
        object[key] = this.#value();
        this.#skipSpace();
        if (text[this.#at++] === '}') return object;
      }
    }
    if (char === '[') {
      this.#at++;
      const array: unknown[] = [];
      this.#skipSpace();
      if (text[this.#at] === ']') {
        this.#at++;
        return array;
      }
      for (;;) {
        array.push(this.#value());
        this.#skipSpace();
        if (text[this.#at++] === ']') return array;
      }
    }
    if (char === '"') return this.#string();
    if (text.startsWith('true', this.#at)) {
      this.#at += 4;
      return true;
    }
    if (text.startsWith('false', this.#at)) {
      this.#at += 5;
      return false;
    }
    if (text.startsWith('null', this.#at)) {
      this.#at += 4;
      return null;
    }
    const start = this.#at;
    while (this.#at < text.length && /[-+0-9.eE]/.test(text[this.#at]!)) this.#at++;
    return numberFromLiteral(text.slice(start, this.#at));
  }

  #string(): string {
    const close = closingQuote(this.#text, this.#at);
    const literal = this.#text.slice(this.#at, close + 1);
    this.#at = close + 1;
    return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
  }
}

/** JSON kinds as the reference names them. */
export type JsonKind = 'object' | 'array' | 'string' | 'integer' | 'decimal' | 'boolean' | 'null';

/** The kind of a parsed value (plain numbers are integer literals; see the module comment). */
export function jsonKind(value: unknown): JsonKind {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return 'integer';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default:
      if (value instanceof JsonNumber) return value.isInteger ? 'integer' : 'decimal';
      return Array.isArray(value) ? 'array' : 'object';
  }
}

/** Whether a parsed value is a JSON number of either kind. */
export function isJsonNumber(value: unknown): value is number | JsonNumber {
  return typeof value === 'number' || value instanceof JsonNumber;
}

/** Whether a parsed value is a JSON object (not an array, not a number). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

/**
 * The text the reference matches regex, include and date rules against: a string as it is,
 * anything else as serde_json writes it (compact; a decimal always shows a fraction or exponent).
 */
export function referenceText(value: unknown): string {
  return typeof value === 'string' ? value : compactJson(value);
}

/** serde_json's compact form of a parsed value. */
export function compactJson(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value instanceof JsonNumber) return value.isInteger ? BigInt(value.text).toString() : formatDecimal(value.value);
  if (Array.isArray(value)) return `[${value.map(compactJson).join(',')}]`;
  if (isJsonObject(value))
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${compactJson(item)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** An f64 as serde_json (ryu) writes it: `1.0`, `0.0025`, `1e21`, `1.5e-7`. */
export function formatDecimal(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  const js = String(value);
  if (js.includes('e')) return js.replace('e+', 'e');
  return Number.isInteger(value) ? `${js}.0` : js;
}

/** Equality as serde_json's Value has it: integers and decimals never equal, objects regardless of key order. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const kind = jsonKind(a);
  if (kind !== jsonKind(b)) return false;
  switch (kind) {
    case 'integer':
      return integerText(a) === integerText(b);
    case 'decimal':
      return (a as JsonNumber).value === (b as JsonNumber).value;
    case 'array': {
      const left = a as unknown[];
      const right = b as unknown[];
      return left.length === right.length && left.every((item, i) => jsonEquals(item, right[i]));
    }
    case 'object': {
      const left = a as Record<string, unknown>;
      const right = b as Record<string, unknown>;
      const keys = Object.keys(left);
      return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && jsonEquals(left[key], right[key]));
    }
    default:
      return false;
  }
}

function integerText(value: unknown): string {
  return typeof value === 'number' ? String(value) : BigInt((value as JsonNumber).text).toString();
}
