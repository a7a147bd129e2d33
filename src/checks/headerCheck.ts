import type { Violation } from './bodyMatcher.ts';
import { excerpt } from './bodyMatcher.ts';
import { ruleOnHeader, ruleOnList } from './matchers.ts';
import type { CompiledRule } from './matchers.ts';

// Response headers as Pact's reference engine checks them.

/** Response headers as the engine hands them on: the header lines, flat (name, value, name, value...). */
export type ResponseHeaders = readonly string[];

/** A header's value(s) by lower-cased name, found whatever the case the server wrote it in. */
export function headerValue(headers: ResponseHeaders, lowerName: string): string | string[] | undefined {
  let found: string | string[] | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    // Most names differ in length: only a same-length name is compared.
    if (name.length !== lowerName.length || (name !== lowerName && !lowerCasedIs(name, lowerName))) continue;
    const value = headers[i + 1]!;
    if (found === undefined) found = value;
    else if (typeof found === 'string') found = [found, value];
    else found.push(value);
  }
  return found;
}

/** Whether `name` lower-cased is `lowerName` (same length), without making the lower-cased copy for ASCII names. */
function lowerCasedIs(name: string, lowerName: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const lower = lowerName.charCodeAt(i);
    if (code === lower || (code >= 0x41 && code <= 0x5a && code + 0x20 === lower)) continue;
    // Past ASCII, case is Unicode's: toLowerCase decides.
    if (code > 0x7f || lower > 0x7f) return name.toLowerCase() === lowerName;
    return false;
  }
  return true;
}

/** Header lines as [name, value] pairs in order. */
export function headerPairs(headers: ResponseHeaders): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!]);
  return pairs;
}

/** Headers whose parameters are compared one by one (pact_models' PARAMETERISED_HEADERS). */
export const PARAMETERISED_HEADERS = new Set(['accept', 'content-type']);

/** Headers whose values are lists: the reference splits them at commas (pact_models' MULTI_VALUE_HEADERS), in answers and in a pact's text. */
export const MULTI_VALUE_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-expose-headers',
  'access-control-request-headers',
  'allow',
  'cache-control',
  'if-match',
  'if-none-match',
  'vary',
]);

/** A header's text as the reference reads it into values (pact_models' parse_header): a list header's items, else the text trimmed. */
export function headerValues(lowerName: string, text: string): string[] {
  return MULTI_VALUE_HEADERS.has(lowerName) ? text.split(',').map((value) => value.trim()) : [text.trim()];
}

export interface HeaderCheck {
  lowerName: string;
  path: string;
  /** The pact's values, one per header line. */
  values: string[];
  rule: CompiledRule | undefined;
  parameterised: boolean;
  /** A list header: answers' lines are split at commas before they are compared. */
  multiValue: boolean;
  /** The last pair compared, untrimmed, and what failed (undefined: it held): most answers repeat their headers. */
  lastExpected?: string;
  lastActual?: string;
  lastFailure?: string;
}

/**
 * A header as the reference checks it: value by value (each header line is a value), with its rule,
 * else by parameters (Accept, Content-Type), else equal once spaces around commas are dropped.
 */
export function checkHeader(header: HeaderCheck, lines: string | string[] | undefined, out: Violation[]): void {
  const expected = header.values;
  const actual =
    header.multiValue && lines !== undefined ? (typeof lines === 'string' ? [lines] : lines).flatMap((line) => headerValues(header.lowerName, line)) : lines;
  if (actual === undefined) {
    out.push({ rule: 'present', path: header.path, expected: expected.join(', '), actual: 'missing' });
    return;
  }
  const actualValues = typeof actual === 'string' ? undefined : actual;
  if (expected.length === 0) {
    if (actualValues === undefined || actualValues.length > 0)
      out.push({ rule: 'equality', path: header.path, expected: '(empty)', actual: excerpt(String(actual)) });
    return;
  }
  if (actualValues === undefined || (expected.length === 1 && actualValues.length === 1)) {
    checkHeaderValue(header, expected[0]!, actualValues?.[0] ?? (actual as string), out);
    return;
  }
  if (header.rule) {
    const listFailure = ruleOnList(header.rule, actualValues, expected, false);
    if (listFailure !== undefined) out.push({ rule: header.rule.name, path: header.path, expected: listFailure, actual: excerpt(actualValues.join(', ')) });
    for (let i = 0; i < actualValues.length; i++) checkHeaderValue(header, expected[i] ?? expected[0]!, actualValues[i]!, out);
    return;
  }
  for (let i = 0; i < Math.max(expected.length, actualValues.length); i++) {
    if (i >= actualValues.length) out.push({ rule: 'present', path: header.path, expected: expected[i]!, actual: `missing (${actualValues.length} values)` });
    else checkHeaderValue(header, expected[i] ?? '', actualValues[i]!, out);
  }
}

function checkHeaderValue(header: HeaderCheck, expectedValue: string, actualValue: string, out: Violation[]): void {
  // The verdict is kept for the pair as given (before trimming), the pair most answers repeat.
  if (header.lastActual !== actualValue || header.lastExpected !== expectedValue) {
    header.lastExpected = expectedValue;
    header.lastActual = actualValue;
    const expected = expectedValue.trim();
    const actual = actualValue.trim();
    header.lastFailure = header.rule
      ? ruleOnHeader(header.rule, actual, expected)
      : (header.parameterised ? parametersMatch(expected, actual) : expected === actual || withoutCommaSpaces(expected) === withoutCommaSpaces(actual))
        ? undefined
        : expected;
  }
  if (header.lastFailure !== undefined)
    out.push({ rule: header.rule?.name ?? 'equality', path: header.path, expected: header.lastFailure, actual: excerpt(actualValue.trim()) });
}

function withoutCommaSpaces(text: string): string {
  return text
    .split(',')
    .map((part) => part.trim())
    .join(',');
}

/** The same media type, and every parameter the pact names present with the same value (any case). */
function parametersMatch(expected: string, actual: string): boolean {
  const parts = (text: string) =>
    text
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean);
  const [expectedType = '', ...expectedParameters] = parts(expected);
  const [actualType = '', ...actualParameters] = parts(actual);
  if (expectedType !== actualType) return false;
  const parameters = (list: string[]) =>
    new Map(
      list.flatMap((parameter) => {
        const at = parameter.indexOf('=');
        return at === -1 ? [] : [[parameter.slice(0, at).trim(), parameter.slice(at + 1).trim()] as [string, string]];
      }),
    );
  const actualMap = parameters(actualParameters);
  for (const [name, value] of parameters(expectedParameters)) {
    const seen = actualMap.get(name);
    if (seen === undefined || seen.toLowerCase() !== value.toLowerCase()) return false;
  }
  return true;
}
