import { compileDateTimePattern } from './dateTimePattern.ts';
import { translateOnigRegex } from './onigRegex.ts';
import { readMatcher, readResponseRules } from '../pact/matchingRules.ts';
import type { MatcherDefinition, PactRule } from '../pact/matchingRules.ts';
import type { PathRule } from './bodyMatcher.ts';
import { compileStatusCode } from './statusRule.ts';
import { isJsonNumber, jsonEquals, jsonKind, referenceText } from './jsonValue.ts';

/**
 * One Pact matcher, compiled once, applied the three ways the reference engine applies it: to a
 * value (any JSON value whose example is not a list or map, and header values, which are text),
 * to a list as a whole and to a map as a whole (their items are checked one by one apart). Each
 * returns undefined when satisfied, else what was expected. `cascaded` is true when the rule was
 * written for a parent path: then sizes (min, max) are not checked.
 */
export interface CompiledMatcher {
  name: string;
  /** What a V4 collection matcher does beyond a value (eachKey, eachValue, values, arrayContains): bodyMatcher walks it. */
  structure?: MatcherStructure;
  value(actual: unknown, example: unknown, cascaded: boolean): string | undefined;
  list(actual: readonly unknown[], example: readonly unknown[], cascaded: boolean): string | undefined;
  map(actual: Record<string, unknown>, example: Record<string, unknown>, cascaded: boolean): string | undefined;
  header(actual: string, example: string, cascaded: boolean): string | undefined;
}

export type { MatcherDefinition } from '../pact/matchingRules.ts';

/**
 * How a V4 collection matcher applies, as pact_matching applies it: `values` and `eachValue`
 * compare every member of a map (not its keys), an `eachValue` list's items get its rule, `eachKey`
 * holds every key of a map to its rule, `arrayContains` wants an item of the list for each variant
 * (judged by the variant's own rules, from the item as root). Nested rules are compiled by the caller.
 */
export type MatcherStructure =
  | { kind: 'values' }
  | { kind: 'eachKey'; keys: CompiledRule }
  | { kind: 'eachValue'; each: CompiledRule }
  | { kind: 'arrayContains'; variants: { index: number; rules: PathRule[] }[]; equality: PathRule[] };

/** The nested rules of a collection matcher, as the pact writes them, for the caller to compile. */
export type NestedRules =
  | { kind: 'eachKey' | 'eachValue'; matchers: MatcherDefinition[] }
  | { kind: 'arrayContains'; variants: { index: number; rules: Record<string, PactRule> }[] };

/**
 * The matchers this harness checks, by Pact name, with what a broken one means to a reader; any
 * other matcher makes the pact refused before the run, naming it.
 */
export const MATCHER_MEANINGS = {
  type: 'wrong JSON type (or too few or too many items)',
  regex: "does not match the pact's pattern",
  integer: 'not an integer',
  decimal: 'not a decimal number',
  number: 'not a number',
  boolean: 'not a boolean',
  null: 'not null',
  equality: "differs from the pact's value",
  include: "does not include the pact's text",
  datetime: "not a timestamp in the pact's format",
  timestamp: "not a timestamp in the pact's format",
  date: "not a date in the pact's format",
  time: "not a time in the pact's format",
  notEmpty: 'empty',
  semver: 'not a semantic version',
  values: 'a member differs',
  eachKey: "a key does not match the pact's rule",
  eachValue: "an item does not match the pact's rule",
  arrayContains: "no item matches one of the pact's variants",
  statusCode: 'not a status of the pact',
} as const;

/** A matcher this harness checks. */
export type MatcherName = keyof typeof MATCHER_MEANINGS;

/** The matchers this harness checks, by Pact name. */
export const SUPPORTED_MATCHERS = Object.keys(MATCHER_MEANINGS) as MatcherName[];

function isSupported(name: string): name is MatcherName {
  return Object.hasOwn(MATCHER_MEANINGS, name);
}

/** Pact's default formats when a date/time matcher names none. */
const DEFAULT_FORMATS: Record<string, string> = {
  date: 'yyyy-MM-dd',
  time: 'HH:mm:ss',
  datetime: "yyyy-MM-dd'T'HH:mm:ssXXX",
  timestamp: "yyyy-MM-dd'T'HH:mm:ssXXX",
};

// semver 2.0.0 as the Rust semver crate parses it: no leading zeros in numbers or numeric pre-release identifiers.
const NUMBER = '(?:0|[1-9]\\d*)';
const PRE_ID = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)';
const BUILD_ID = '[0-9A-Za-z-]+';
const SEMVER = new RegExp(`^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-${PRE_ID}(?:\\.${PRE_ID})*)?(?:\\+${BUILD_ID}(?:\\.${BUILD_ID})*)?$`);
// What Rust's f64 and u64 parsers accept, for number rules on header values.
const RUST_F64 = /^[+-]?(?:inf|infinity|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/i;
const RUST_U64 = /^\+?\d+$/;

const ok = () => undefined;
/** The reference cannot apply this matcher to a list or map at all. */
const unable = (name: string) => () => `a value ${name} can match (not a list or map)`;

function sameKind(actual: unknown, example: unknown): boolean {
  const a = jsonKind(actual);
  const e = jsonKind(example);
  return a === e || (isJsonNumber(actual) && isJsonNumber(example));
}

/**
 * Compiles one matcher definition once, so every response is checked without re-reading the pact.
 * A collection matcher's nested rules come back in `nested`, for the caller to compile into its `structure`.
 */
export function compileMatcher(definition: MatcherDefinition): (CompiledMatcher & { nested?: NestedRules }) | { problem: string } {
  const name = definition.match;
  if (name === 'contentType')
    return {
      problem:
        'matcher "contentType" is not checked: the reference judges it by sniffing the bytes with the MIME database of the machine it runs on (tree_magic_mini), which one response here cannot reproduce',
    };
  if (!isSupported(name)) return { problem: `matcher "${name}" is not supported (supported: ${SUPPORTED_MATCHERS.join(', ')})` };
  // Every name in MATCHER_MEANINGS has a case here and no case lacks one: the switch is exhaustive over MatcherName.
  switch (name) {
    case 'type': {
      const min = typeof definition.min === 'number' ? definition.min : undefined;
      const max = typeof definition.max === 'number' ? definition.max : undefined;
      const size = (length: number, cascaded: boolean): string | undefined => {
        if (cascaded) return undefined;
        if (min !== undefined && length < min) return `at least ${min} items`;
        if (max !== undefined && length > max) return `at most ${max} items`;
        return undefined;
      };
      return {
        name,
        value: (actual, example, cascaded) => {
          // The common case first: a string, boolean or integer where the example has one.
          if (typeof actual === typeof example && typeof actual !== 'object') return undefined;
          if (!sameKind(actual, example)) return `a value of type ${jsonKind(example)}`;
          return Array.isArray(actual) ? size(actual.length, cascaded) : undefined;
        },
        list: (actual, _example, cascaded) => size(actual.length, cascaded),
        map: (actual, _example, cascaded) => size(Object.keys(actual).length, cascaded),
        header: ok,
      };
    }
    case 'regex': {
      if (typeof definition.regex !== 'string') return { problem: 'regex matcher without a "regex"' };
      // The reference reads it with Oniguruma (Ruby syntax) and wants it to match the whole text.
      const translated = translateOnigRegex(definition.regex);
      if ('problem' in translated) return translated;
      let whole: RegExp;
      try {
        whole = new RegExp(`^(?:${translated.source})$`, translated.flags);
      } catch (error) {
        return { problem: `regex ${JSON.stringify(definition.regex)} does not compile: ${(error as Error).message}` };
      }
      const expected = `a value matching /${definition.regex}/`;
      return {
        name,
        value: (actual) => (whole.test(referenceText(actual)) ? undefined : expected),
        list: ok,
        map: ok,
        header: (actual) => (whole.test(actual) ? undefined : expected),
      };
    }
    case 'integer':
      return {
        name,
        value: (actual) => (jsonKind(actual) === 'integer' ? undefined : 'an integer'),
        list: ok,
        map: unable(name),
        header: (actual) => (RUST_U64.test(actual) && BigInt(actual) <= 18446744073709551615n ? undefined : 'an integer'),
      };
    case 'decimal':
      return {
        name,
        value: (actual) => (jsonKind(actual) === 'decimal' ? undefined : 'a decimal number'),
        list: ok,
        map: unable(name),
        header: (actual) => (RUST_F64.test(actual) ? undefined : 'a decimal number'),
      };
    case 'number':
      return {
        name,
        value: (actual) => (isJsonNumber(actual) ? undefined : 'a number'),
        list: ok,
        map: unable(name),
        header: (actual) => (RUST_F64.test(actual) ? undefined : 'a number'),
      };
    case 'boolean':
      return {
        name,
        value: (actual) => (typeof actual === 'boolean' || actual === 'true' || actual === 'false' ? undefined : 'a boolean'),
        list: ok,
        map: unable(name),
        header: (actual) => (actual === 'true' || actual === 'false' ? undefined : 'a boolean'),
      };
    case 'null':
      return {
        name,
        value: (actual) => (actual === null ? undefined : 'null'),
        list: unable(name),
        map: unable(name),
        header: () => 'null (a header is text)',
      };
    case 'equality': {
      return {
        name,
        value: (actual, example) => (jsonEquals(actual, example) ? undefined : `exactly ${referenceText(example)}`),
        list: (actual, example) => (jsonEquals(actual, example) ? undefined : 'exactly the example list'),
        map: (actual, example) => (jsonEquals(actual, example) ? undefined : 'exactly the example object'),
        header: (actual, example) => (actual === example ? undefined : `exactly ${example}`),
      };
    }
    case 'include': {
      if (typeof definition.value !== 'string') return { problem: 'include matcher without a "value"' };
      const part = definition.value;
      const expected = `a value including ${JSON.stringify(part)}`;
      return {
        name,
        value: (actual) => (referenceText(actual).includes(part) ? undefined : expected),
        list: ok,
        map: unable(name),
        header: (actual) => (actual.includes(part) ? undefined : expected),
      };
    }
    case 'datetime':
    case 'timestamp':
    case 'date':
    case 'time': {
      const given = [definition.format, definition[name]].find((value): value is string => typeof value === 'string' && value !== '');
      const format = given ?? DEFAULT_FORMATS[name]!;
      const check = compileDateTimePattern(format);
      if (typeof check !== 'function') return check;
      const expected = `a ${name} formatted ${format}`;
      // Under load many answers carry the same timestamp (one per ms at most): the last text that
      // passed is remembered, so a repeat costs one string comparison.
      let lastAccepted: string | undefined;
      const accepts = (text: string) => {
        if (text === lastAccepted) return true;
        if (!check(text)) return false;
        lastAccepted = text;
        return true;
      };
      return {
        name,
        value: (actual) => (accepts(referenceText(actual)) ? undefined : expected),
        list: ok,
        map: unable(name),
        header: (actual) => (accepts(actual) ? undefined : expected),
      };
    }
    case 'notEmpty': {
      const empty = (actual: unknown) =>
        actual === null ||
        actual === '' ||
        (Array.isArray(actual) && actual.length === 0) ||
        (jsonKind(actual) === 'object' && Object.keys(actual as object).length === 0);
      return {
        name,
        value: (actual) => (empty(actual) ? 'a value that is not empty' : undefined),
        list: (actual) => (actual.length === 0 ? 'a list that is not empty' : undefined),
        map: (actual) => (Object.keys(actual).length === 0 ? 'an object that is not empty' : undefined),
        header: (actual) => (actual === '' ? 'a value that is not empty' : undefined),
      };
    }
    case 'semver':
      return {
        name,
        value: (actual) => (typeof actual === 'string' && SEMVER.test(actual) ? undefined : 'a semantic version'),
        list: ok,
        map: unable(name),
        header: (actual) => (SEMVER.test(actual) ? undefined : 'a semantic version'),
      };
    case 'values':
      return {
        name,
        structure: { kind: 'values' },
        // Below a map, a member's value is compared as equality (pact_matching: Values is Equality on a value).
        value: (actual, example) => (jsonEquals(actual, example) ? undefined : `exactly ${referenceText(example)}`),
        list: ok,
        map: ok,
        header: (actual, example) => (actual === example ? undefined : `exactly ${example}`),
      };
    case 'eachKey':
    case 'eachValue': {
      const listed = definition.rules ?? [];
      if (!Array.isArray(listed)) return { problem: `${name} matcher whose "rules" is not a list` };
      const matchers: MatcherDefinition[] = [];
      for (const json of listed) {
        const read = readMatcher(json);
        if (typeof read === 'string') return { problem: `${name} matcher with ${read}` };
        matchers.push(read);
      }
      return { name, value: ok, list: ok, map: ok, header: unable(name), nested: { kind: name, matchers } };
    }
    case 'arrayContains': {
      if (!Array.isArray(definition.variants)) return { problem: 'arrayContains matcher without a "variants" list' };
      const variants: { index: number; rules: Record<string, PactRule> }[] = [];
      for (const variant of definition.variants as unknown[]) {
        const { index, rules } = (variant ?? {}) as { index?: unknown; rules?: unknown };
        const read = rules === undefined ? { body: {}, problems: [] } : readResponseRules({ body: rules });
        if (read.problems.length > 0) return { problem: `arrayContains variant: ${read.problems.join('; ')}` };
        variants.push({
          index: typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : 0,
          rules: rules === undefined ? VARIANT_EQUALITY : read.body,
        });
      }
      return { name, value: ok, list: ok, map: ok, header: unable(name), nested: { kind: name, variants } };
    }
    case 'statusCode': {
      const accepts = compileStatusCode(definition);
      if (typeof accepts !== 'function') return accepts;
      return {
        name,
        value: ok,
        list: unable(name),
        map: unable(name),
        header: (actual) => (/^\d+$/.test(actual) && Number(actual) <= 65535 && accepts(Number(actual)) ? undefined : 'a status of the pact'),
      };
    }
    default:
      return name satisfies never;
  }
}

/** A variant without rules is compared whole: equality from the item as root. */
export const VARIANT_EQUALITY: Record<string, PactRule> = { $: { combine: 'AND', matchers: [{ match: 'equality' }] } };

/** A rule: one or more matchers combined with AND or OR. */
export interface CompiledRule {
  name: string;
  combine: 'AND' | 'OR';
  matchers: CompiledMatcher[];
}

/** A rule applied to a value: AND fails on the first failure, OR when every matcher fails. */
export function ruleOnValue(rule: CompiledRule, actual: unknown, example: unknown, cascaded: boolean): string | undefined {
  if (rule.matchers.length === 1) return rule.matchers[0]!.value(actual, example, cascaded);
  return combine(
    rule,
    rule.matchers.map((matcher) => matcher.value(actual, example, cascaded)),
  );
}

/** A rule applied to a list as a whole. */
export function ruleOnList(rule: CompiledRule, actual: readonly unknown[], example: readonly unknown[], cascaded: boolean): string | undefined {
  if (rule.matchers.length === 1) return rule.matchers[0]!.list(actual, example, cascaded);
  return combine(
    rule,
    rule.matchers.map((matcher) => matcher.list(actual, example, cascaded)),
  );
}

/** A rule applied to one header value. */
export function ruleOnHeader(rule: CompiledRule, actual: string, example: string): string | undefined {
  if (rule.matchers.length === 1) return rule.matchers[0]!.header(actual, example, false);
  return combine(
    rule,
    rule.matchers.map((matcher) => matcher.header(actual, example, false)),
  );
}

function combine(rule: CompiledRule, failures: (string | undefined)[]): string | undefined {
  if (rule.combine === 'AND') return failures.find((failure) => failure !== undefined);
  return failures.some((failure) => failure === undefined) ? undefined : failures.join(' or ');
}
