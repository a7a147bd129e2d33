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
 * runs on every response of a load run). Arrays, whose length varies, are walked by matchValue.
 */
export function compileBody(example: unknown, path: (string | number)[], rules: readonly CompiledRule[], inheritedType: CompiledMatcher | undefined): BodyChecker {
  if (Array.isArray(example)) return (actual, out) => matchValue(actual, example, path, rules, inheritedType, out);
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
  if (jsonType(example) === 'object') {
    const children = Object.entries(example as Record<string, unknown>).map(([key, expected]) => {
      const childPath = [...path, key];
      return { key, check: compileBody(expected, childPath, rules, cascade), pathText: formatPath(childPath), missing: `a ${jsonType(expected)}` };
    });
    return (actual, out) => {
      if (gate && !gate(actual, out)) return;
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
        if (!rule && !cascade) out.push({ rule: 'type', path: pathText, expected: 'an object', actual: describeActual(actual) });
        return;
      }
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

/** Walks the expected example and the actual value together, as Pact matches a response body. */
function matchValue(actual: unknown, example: unknown, path: (string | number)[], rules: readonly CompiledRule[], inheritedType: CompiledMatcher | undefined, out: Violation[]): void {
  const rule = ruleAt(rules, path);
  let cascade = inheritedType;
  if (rule) {
    const failure = rule.check(actual, example);
    if (failure !== undefined) {
      out.push({ rule: rule.name, path: formatPath(path), expected: failure, actual: describeActual(actual) });
      return;
    }
    if (!rule.cascadesType) return;
    cascade = typeMatcher();
  } else if (cascade) {
    const failure = cascade(actual, example);
    if (failure !== undefined) {
      out.push({ rule: 'type', path: formatPath(path), expected: failure, actual: describeActual(actual) });
      return;
    }
  }
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) {
      if (!rule && !cascade) out.push({ rule: 'type', path: formatPath(path), expected: 'an array', actual: describeActual(actual) });
      return;
    }
    if (cascade && example.length > 0) {
      // A type-matched array: every element is matched against the example's first one.
      actual.forEach((item, i) => matchValue(item, example[0], [...path, i], rules, cascade, out));
      return;
    }
    if (actual.length !== example.length) out.push({ rule: 'equality', path: formatPath(path), expected: `an array of ${example.length} items`, actual: `${actual.length} items` });
    example.forEach((item, i) => i < actual.length && matchValue(actual[i], item, [...path, i], rules, cascade, out));
    return;
  }
  if (jsonType(example) === 'object') {
    if (jsonType(actual) !== 'object') {
      if (!rule && !cascade) out.push({ rule: 'type', path: formatPath(path), expected: 'an object', actual: describeActual(actual) });
      return;
    }
    const actualObject = actual as Record<string, unknown>;
    for (const [key, expected] of Object.entries(example as Record<string, unknown>)) {
      const childPath = [...path, key];
      if (!Object.hasOwn(actualObject, key)) out.push({ rule: 'present', path: formatPath(childPath), expected: `a ${jsonType(expected)}`, actual: 'missing' });
      else matchValue(actualObject[key], expected, childPath, rules, cascade, out);
    }
    return;
  }
  if (!rule && !cascade && JSON.stringify(actual) !== JSON.stringify(example)) {
    out.push({ rule: 'equality', path: formatPath(path), expected: JSON.stringify(example), actual: describeActual(actual) });
  }
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
