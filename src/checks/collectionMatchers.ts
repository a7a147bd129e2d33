// The V4 collection matchers (values, eachValue, eachKey, arrayContains) as pact_matching walks a
// body with them (compare_maps_with_matchingrule, compare_lists_with_matchingrule, match_keys):
// on a map, values, eachValue and arrayContains compare every member, each with the example's
// member of the same key or else its first (by key order), eachValue with its own rule in place of
// every other below it; eachKey holds every key to its rule; on a list, arrayContains wants, for
// each variant, some item that its own rules accept, judged from the item as root.
import { compileBody, describeActual } from './bodyMatcher.ts';
import type { BodyChecker, PathRule, Violation } from './bodyMatcher.ts';
import type { ConcretePath, PathToken } from './jsonPath.ts';
import { formatPath, ruleScore } from './jsonPath.ts';
import { ruleOnHeader } from './matchers.ts';
import type { CompiledMatcher, CompiledRule } from './matchers.ts';

/** Past this many distinct member names, checkers are compiled for each use instead of kept (keys are the answer's, without bound). */
const MAX_KEPT_MEMBER_CHECKERS = 1024;

/** A path written as rule tokens: `path.*` is where an eachValue rule stands. */
function tokensOf(path: ConcretePath): PathToken[] {
  return path.map((step) => (typeof step === 'number' ? { kind: 'index', index: step } : { kind: 'field', name: step }));
}

/** Whether a matcher compares a map's members by value, ignoring its keys (pact_models' is_values_matcher: arrayContains too, measured). */
export function comparesMembers(matcher: CompiledMatcher): boolean {
  return matcher.structure !== undefined && matcher.structure.kind !== 'eachKey';
}

/** The rules that apply below `path` for a matcher: eachValue's own rule at `path.*` in place of all others. */
function rulesBelow(matcher: CompiledMatcher, path: ConcretePath, rules: readonly PathRule[]): readonly PathRule[] {
  return matcher.structure?.kind === 'eachValue' ? [{ pattern: [...tokensOf(path), { kind: 'star' }], rule: matcher.structure.each }] : rules;
}

/**
 * A values or eachValue matcher on a map: every member of the answer is checked against the
 * example's member of the same name, or the example's first member (by key order, as a BTreeMap
 * keeps them) when it has none; no member is missing.
 */
export function membersChecker(matcher: CompiledMatcher, example: Record<string, unknown>, path: ConcretePath, rules: readonly PathRule[]): BodyChecker {
  const below = rulesBelow(matcher, path, rules);
  const firstKey = Object.keys(example).sort(byBytes)[0];
  const kept = new Map<string, BodyChecker>();
  const checkerFor = (key: string): BodyChecker | undefined => {
    const own = Object.hasOwn(example, key);
    if (!own && firstKey === undefined) return undefined;
    const found = kept.get(key);
    if (found) return found;
    const checker = compileBody(own ? example[key] : example[firstKey!], [...path, key], below);
    if (kept.size < MAX_KEPT_MEMBER_CHECKERS) kept.set(key, checker);
    return checker;
  };
  return (actual, out) => {
    for (const [key, value] of Object.entries(actual as Record<string, unknown>)) checkerFor(key)?.(value, out);
  };
}

/** Rust's String order: by UTF-8 bytes, which for these keys is code point order. */
function byBytes(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/** The eachKey rules that hold the keys of the map at `path`: those of the rule governing it, when a rule is written for exactly this path. */
export function keyRulesAt(governing: CompiledRule | undefined, path: ConcretePath, rules: readonly PathRule[]): CompiledRule[] {
  if (!governing || !rules.some((rule) => rule.pattern.length === path.length && ruleScore(rule.pattern, path) > 0)) return [];
  return governing.matchers.flatMap((matcher) => (matcher.structure?.kind === 'eachKey' ? [matcher.structure.keys] : []));
}

/** Whether a rule written for exactly this path lets the map lack the example's keys (values, eachValue, eachKey). */
export function membersMayBeMissing(path: ConcretePath, rules: readonly PathRule[]): boolean {
  return rules.some(
    (rule) =>
      rule.pattern.length === path.length &&
      ruleScore(rule.pattern, path) > 0 &&
      rule.rule.matchers.some((matcher) => matcher.structure !== undefined && matcher.structure.kind !== 'arrayContains'),
  );
}

/** Every key of the answer's map held to each eachKey rule, as text. */
export function checkKeys(keyRules: readonly CompiledRule[], actual: Record<string, unknown>, path: ConcretePath, out: Violation[]): void {
  for (const rule of keyRules) {
    for (const key of Object.keys(actual)) {
      const failure = ruleOnHeader(rule, key, '');
      if (failure !== undefined) out.push({ rule: 'eachKey', path: formatPath([...path, key]), expected: `a key that is ${failure}`, actual: key });
    }
  }
}

/**
 * One matcher of a list's rule, compiled: what it finds wrong with the list (its items included).
 * arrayContains looks for each variant, eachValue checks the items with its own rule (nothing when
 * written for a parent), any other matcher checks the list as a whole and then its items (`items`).
 */
export function listMatcherChecker(
  matcher: CompiledMatcher,
  cascaded: boolean,
  example: readonly unknown[],
  path: ConcretePath,
  rules: readonly PathRule[],
  items: (actual: readonly unknown[], out: Violation[]) => void,
): (actual: readonly unknown[]) => Violation[] {
  const structure = matcher.structure;
  const pathText = formatPath(path);
  if (structure?.kind === 'arrayContains') {
    // No variants: every item of the example is one, compared whole (equality from the item as root).
    const given = structure.variants.length > 0 ? structure.variants : example.map((_, index) => ({ index, rules: structure.equality }));
    const variants = given.map(({ index, rules: variantRules }) => ({
      index,
      check: index < example.length ? compileBody(example[index], [], variantRules) : undefined,
    }));
    return (actual) => {
      const out: Violation[] = [];
      for (const { index, check } of variants) {
        if (!check) {
          out.push({
            rule: 'arrayContains',
            path: pathText,
            expected: `variant ${index} of a list of ${example.length} items`,
            actual: 'missing from the pact',
          });
          continue;
        }
        const found = actual.some((item) => {
          const broken: Violation[] = [];
          check(item, broken);
          return broken.length === 0;
        });
        if (!found) out.push({ rule: 'arrayContains', path: pathText, expected: `an item like variant ${index}`, actual: describeActual(actual) });
      }
      return out;
    };
  }
  if (structure?.kind === 'eachValue') {
    if (cascaded) return () => [];
    const below = rulesBelow(matcher, path, rules);
    const kept: BodyChecker[] = [];
    const item = (i: number) => {
      if (i >= MAX_KEPT_MEMBER_CHECKERS) return compileBody(i < example.length ? example[i] : example[0], [...path, i], below);
      kept[i] ??= compileBody(i < example.length ? example[i] : example[0], [...path, i], below);
      return kept[i];
    };
    return (actual) => {
      const out: Violation[] = [];
      for (let i = 0; i < actual.length; i++) item(i)(actual[i], out);
      return out;
    };
  }
  return (actual) => {
    const out: Violation[] = [];
    const failure = matcher.list(actual, example, cascaded);
    if (failure !== undefined) out.push({ rule: matcher.name, path: pathText, expected: failure, actual: describeActual(actual) });
    items(actual, out);
    return out;
  };
}
