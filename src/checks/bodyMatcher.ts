import { compactJson, isJsonObject, jsonEquals, jsonKind } from './jsonValue.ts';
import { formatPath, ruleScore } from './jsonPath.ts';
import type { ConcretePath, PathToken } from './jsonPath.ts';
import { ruleOnList, ruleOnValue } from './matchers.ts';
import type { CompiledRule } from './matchers.ts';
import { checkKeys, comparesMembers, keyRulesAt, listMatcherChecker, membersChecker, membersMayBeMissing } from './collectionMatchers.ts';

/** One broken expectation of a response: which rule, where, what was expected and what came. */
export interface Violation {
  /** The rule that failed: a Pact matcher name (`integer`, `datetime`...), `equality`, `type`, `present`, `json`, `contentType` or `status`. */
  rule: string;
  /** `$.message_id` for the body, `header Content-Type` for a header, `$` for the whole body. */
  path: string;
  expected: string;
  actual: string;
}

/** A body rule with the path it was written for. */
export interface PathRule {
  pattern: PathToken[];
  rule: CompiledRule;
}

export type BodyChecker = (actual: unknown, out: Violation[]) => void;

/** The rule that governs a position, as the reference picks it, and whether it was written for a parent. */
interface RuleAtPath {
  rule: CompiledRule;
  cascaded: boolean;
}

/**
 * The rule the reference applies at a position: of every rule whose path matches the start of
 * the position's path, the one with the highest weight times length; `cascaded` when it was
 * written for an ancestor (then list sizes are not checked).
 */
function ruleAt(rules: readonly PathRule[], path: ConcretePath): RuleAtPath | undefined {
  let best: PathRule | undefined;
  let bestScore = 0;
  for (const candidate of rules) {
    const score = ruleScore(candidate.pattern, path);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best && { rule: best.rule, cascaded: best.pattern.length !== path.length };
}

/**
 * Compiles the body check once, as the reference engine (pact_matching's compare_json) walks a
 * body: an object example needs an object and its keys, a list example a list (with a rule: its
 * items against the example's, padded with the first; without: the same length), anything else
 * its rule or equality. Which rule applies where and every path text are worked out here, so
 * checking a response walks closures (it runs on every response of a load run); list items past
 * the example get theirs on first use.
 */
export function compileBody(example: unknown, path: (string | number)[], rules: readonly PathRule[]): BodyChecker {
  const governing = ruleAt(rules, path);
  const pathText = formatPath(path);
  const kindMismatch = (expected: string, actual: unknown, out: Violation[]) =>
    out.push({ rule: 'type', path: pathText, expected, actual: describeActual(actual) });

  if (isJsonObject(example)) {
    const children = memberCheckers(example, path, rules);
    // V4 collection matchers (values, eachValue, eachKey) change how the map's members are checked.
    const keyRules = keyRulesAt(governing?.rule, path, rules);
    const mayLackMembers = membersMayBeMissing(path, rules);
    const byMembers =
      governing && !governing.cascaded ? governing.rule.matchers.filter(comparesMembers).map((m) => membersChecker(m, example, path, rules)) : [];
    const asMap = governing ? governing.rule.matchers.filter((m) => governing.cascaded || !comparesMembers(m)) : [];
    return (actual, out) => {
      if (!isJsonObject(actual)) return kindMismatch('an object', actual, out);
      for (const checkMembers of byMembers) checkMembers(actual, out);
      // The reference applies each matcher of a rule on a map, whatever the rule's AND or OR.
      for (const matcher of asMap) {
        const failure = matcher.map(actual, example, governing!.cascaded);
        if (failure !== undefined) out.push({ rule: governing!.rule.name, path: pathText, expected: failure, actual: describeActual(actual) });
      }
      // Keys and members as the example has them, unless a members-only matcher was the whole rule.
      if (governing && asMap.length === 0) return;
      if (keyRules.length > 0) checkKeys(keyRules, actual, path, out);
      for (const child of children) {
        if (!Object.hasOwn(actual, child.key)) {
          if (!mayLackMembers) child.absent(out);
        } else child.check(actual[child.key], out);
      }
    };
  }

  if (Array.isArray(example)) {
    // Past the example's length items are matched against its first item.
    const item = itemCheckers((index) => compileBody(index < example.length ? example[index] : example[0], [...path, index], rules));
    const itemGoverned = itemCheckers((index) => ruleAt(rules, [...path, index]) !== undefined);
    const items = (actual: readonly unknown[], out: Violation[]) => {
      for (let i = 0; i < actual.length; i++) item(i)(actual[i], out);
    };
    // A rule with a V4 collection matcher: each matcher judges the list its own way, combined by AND or OR.
    const structured =
      governing?.rule.matchers.some((m) => m.structure !== undefined) === true
        ? governing.rule.matchers.map((m) => listMatcherChecker(m, governing.cascaded, example, path, rules, items))
        : undefined;
    return (actual, out) => {
      if (!Array.isArray(actual)) return kindMismatch('an array', actual, out);
      if (governing) {
        if (example.length === 0) return;
        if (governing.rule.matchers.length === 0) return noMatcher(pathText, actual, out);
        if (structured) {
          const found = structured.map((check) => check(actual));
          if (governing.rule.combine === 'AND' || found.every((violations) => violations.length > 0)) for (const violations of found) out.push(...violations);
          return;
        }
        const failure = ruleOnList(governing.rule, actual, example, governing.cascaded);
        if (failure !== undefined) out.push({ rule: governing.rule.name, path: pathText, expected: failure, actual: describeActual(actual) });
        items(actual, out);
        return;
      }
      if (example.length === 0) {
        if (actual.length > 0) out.push({ rule: 'equality', path: pathText, expected: 'an empty list', actual: describeActual(actual) });
        return;
      }
      for (let i = 0; i < example.length; i++) {
        if (i < actual.length) item(i)(actual[i], out);
        else if (!itemGoverned(i)) out.push({ rule: 'present', path: formatPath([...path, i]), expected: describeActual(example[i]), actual: 'missing' });
      }
      if (actual.length !== example.length)
        out.push({ rule: 'equality', path: pathText, expected: `a list of ${example.length} items`, actual: `${actual.length} items` });
    };
  }

  if (governing?.rule.matchers.length === 0) {
    // An eachValue without rules leaves a rule of no matchers below it: the reference finds no matcher for a value.
    return (actual, out) => noMatcher(pathText, actual, out);
  }
  if (governing) {
    const { rule, cascaded } = governing;
    // Most rules are one matcher: called directly, one step less on every response.
    const single = rule.matchers.length === 1 ? rule.matchers[0]! : undefined;
    return (actual, out) => {
      const failure = single ? single.value(actual, example, cascaded) : ruleOnValue(rule, actual, example, cascaded);
      if (failure !== undefined) out.push({ rule: rule.name, path: pathText, expected: failure, actual: describeActual(actual) });
    };
  }
  const expectedText = compactJson(example);
  return (actual, out) => {
    if (!jsonEquals(actual, example)) out.push({ rule: 'equality', path: pathText, expected: expectedText, actual: describeActual(actual) });
  };
}

interface MemberChecker {
  key: string;
  check: BodyChecker;
  /** Reports the member missing. */
  absent(out: Violation[]): void;
}

function memberCheckers(example: Record<string, unknown>, path: (string | number)[], rules: readonly PathRule[]): MemberChecker[] {
  return Object.entries(example).map(([key, expected]) => {
    const pathText = formatPath([...path, key]);
    const missing = withArticle(jsonKind(expected));
    return {
      key,
      check: compileBody(expected, [...path, key], rules),
      absent: (out: Violation[]) => out.push({ rule: 'present', path: pathText, expected: missing, actual: 'missing' }),
    };
  });
}

/**
 * The body check of an object example without a rule on the object itself, applied to its members
 * as FlatObjectReader reads them: the same checks, in the same order, as compileBody's on the
 * parsed object.
 */
export interface MemberBodyChecker {
  /** The example's member names, in its order. */
  keys: string[];
  /** Checks the members read: keys[i] is `members[slots[i]]`, undefined when absent. */
  check(members: readonly unknown[], slots: readonly number[], out: Violation[]): void;
}

/** A MemberBodyChecker for an object example without a rule on the object itself; undefined for any other example. */
export function compileMemberBody(example: unknown, rules: readonly PathRule[]): MemberBodyChecker | undefined {
  if (!isJsonObject(example) || ruleAt(rules, []) !== undefined) return undefined;
  const children = memberCheckers(example, [], rules);
  return {
    keys: children.map((child) => child.key),
    check(members, slots, out) {
      for (let i = 0; i < children.length; i++) {
        const child = children[i]!;
        const value = members[slots[i]!];
        if (value === undefined) child.absent(out);
        else child.check(value, out);
      }
    },
  };
}

/** Past this index item checks are compiled for each use instead of kept, so a huge array cannot grow memory for good. */
const MAX_KEPT_ITEM_CHECKERS = 1024;

/** Item `index`'s compiled value, made on first use and kept (up to MAX_KEPT_ITEM_CHECKERS). */
function itemCheckers<T>(compile: (index: number) => T): (index: number) => T {
  const kept: T[] = [];
  return (index) => {
    if (index >= MAX_KEPT_ITEM_CHECKERS) return compile(index);
    kept[index] ??= compile(index);
    return kept[index];
  };
}

/** A value below an eachValue without rules: the reference finds no matcher for it. */
function noMatcher(pathText: string, actual: unknown, out: Violation[]): void {
  out.push({ rule: 'eachValue', path: pathText, expected: 'a matcher (the eachValue above has no rules)', actual: describeActual(actual) });
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

export function describeActual(value: unknown): string {
  return value === undefined ? 'missing' : excerpt(compactJson(value));
}

export function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
