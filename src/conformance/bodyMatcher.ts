import { formatPath, pathMatches } from './jsonPath.ts';
import type { ConcretePath, PathToken } from './jsonPath.ts';
import { jsonType, typeMatcher } from './matchers.ts';
import type { CompiledMatcher } from './matchers.ts';

/** One broken expectation of a response: which rule, where, what was expected and what came. */
export interface Violation {
  /** The rule that failed: a Pact matcher name (`integer`, `datetime`...), `equality`, `present`, `json` or `status`. */
  rule: string;
  /** `$.message_id` for the body, `header Content-Type` for a header, `$` for the whole body. */
  path: string;
  expected: string;
  actual: string;
}

export interface CompiledRule {
  name: string;
  pattern: PathToken[];
  weight: number;
  check: CompiledMatcher;
  /** A `type` rule on an object or array: its children are matched by type too. */
  cascadesType: boolean;
}

export type BodyChecker = (actual: unknown, out: Violation[]) => void;

/**
 * Compiles the body check once: which rule applies where, and every path text, are worked out
 * here, so checking a response walks closures without looking rules up or building paths (it
 * runs on every response of a load run). Array items, whose number varies, get their checks
 * compiled the first time an index is seen (rules may name single indices).
 */
export function compileBody(example: unknown, path: (string | number)[], rules: readonly CompiledRule[], inheritedType: CompiledMatcher | undefined): BodyChecker {
  const rule = ruleAt(rules, path);
  const pathText = formatPath(path);
  const cascade = rule ? (rule.cascadesType ? typeMatcher() : undefined) : inheritedType;
  // Returns whether to go on matching inside the value.
  const gate: ((actual: unknown, out: Violation[]) => boolean) | undefined = rule
    ? (actual, out) => {
        const failure = rule.check(actual, example);
        if (failure !== undefined) out.push({ rule: rule.name, path: pathText, expected: failure, actual: describeActual(actual) });
        return failure === undefined && rule.cascadesType;
      }
    : inheritedType
      ? (actual, out) => {
          const failure = inheritedType(actual, example);
          if (failure !== undefined) out.push({ rule: 'type', path: pathText, expected: failure, actual: describeActual(actual) });
          return failure === undefined;
        }
      : undefined;
  // Without a rule or an inherited type rule, a value of another kind is a violation of its own.
  const kindMismatch = (expected: string, actual: unknown, out: Violation[]) => {
    if (!rule && !cascade) out.push({ rule: 'type', path: pathText, expected, actual: describeActual(actual) });
  };
  if (Array.isArray(example)) {
    // A type-matched array: every item is matched against the example's first one.
    const byType = cascade !== undefined && example.length > 0;
    const itemCheck = itemCheckers((index) => compileBody(byType ? example[0] : example[index], [...path, index], rules, cascade));
    return (actual, out) => {
      if (gate && !gate(actual, out)) return;
      if (!Array.isArray(actual)) return kindMismatch('an array', actual, out);
      if (byType) {
        for (let i = 0; i < actual.length; i++) itemCheck(i)(actual[i], out);
        return;
      }
      if (actual.length !== example.length) out.push({ rule: 'equality', path: pathText, expected: `an array of ${example.length} items`, actual: `${actual.length} items` });
      for (let i = 0; i < Math.min(actual.length, example.length); i++) itemCheck(i)(actual[i], out);
    };
  }
  if (jsonType(example) === 'object') {
    const children = Object.entries(example as Record<string, unknown>).map(([key, expected]) => {
      const childPath = [...path, key];
      return { key, check: compileBody(expected, childPath, rules, cascade), pathText: formatPath(childPath), missing: `a ${jsonType(expected)}` };
    });
    return (actual, out) => {
      if (gate && !gate(actual, out)) return;
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return kindMismatch('an object', actual, out);
      const actualObject = actual as Record<string, unknown>;
      for (const child of children) {
        if (!Object.hasOwn(actualObject, child.key)) out.push({ rule: 'present', path: child.pathText, expected: child.missing, actual: 'missing' });
        else child.check(actualObject[child.key], out);
      }
    };
  }
  const exampleJson = JSON.stringify(example);
  return (actual, out) => {
    if (gate && !gate(actual, out)) return;
    if (!rule && !cascade && JSON.stringify(actual) !== exampleJson) out.push({ rule: 'equality', path: pathText, expected: exampleJson, actual: describeActual(actual) });
  };
}

/** Past this index item checks are compiled for each use instead of kept, so a huge array cannot grow memory for good. */
const MAX_KEPT_ITEM_CHECKERS = 1024;

/** The checker of item `index`, compiled on first use and kept (up to MAX_KEPT_ITEM_CHECKERS). */
function itemCheckers(compile: (index: number) => BodyChecker): (index: number) => BodyChecker {
  const kept: BodyChecker[] = [];
  return (index) => {
    if (index >= MAX_KEPT_ITEM_CHECKERS) return compile(index);
    return (kept[index] ??= compile(index));
  };
}

function ruleAt(rules: readonly CompiledRule[], path: ConcretePath): CompiledRule | undefined {
  let best: CompiledRule | undefined;
  for (const rule of rules) if (pathMatches(rule.pattern, path) && (!best || rule.weight > best.weight)) best = rule;
  return best;
}

export function valueAtPattern(example: unknown, pattern: readonly PathToken[]): unknown {
  let value = example;
  for (const token of pattern) {
    if (value === null || typeof value !== 'object') return undefined;
    value = token.kind === 'field' ? (value as Record<string, unknown>)[token.name] : token.kind === 'index' ? (value as unknown[])[token.index] : Object.values(value as object)[0];
  }
  return value;
}

export function describeActual(value: unknown): string {
  return value === undefined ? 'missing' : excerpt(JSON.stringify(value));
}

export function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
