import { ExitCode, UserError } from '../errors.ts';
import { formatPath, parseRulePath, pathMatches, pathWeight } from './jsonPath.ts';
import type { ConcretePath, PathToken } from './jsonPath.ts';
import { compileMatcher, jsonType, typeMatcher } from './matchers.ts';
import type { CompiledMatcher, MatcherDefinition } from './matchers.ts';
import type { PactResponse, PactRule } from './pactFile.ts';

/** One broken expectation of a response: which rule, where, what was expected and what came. */
export interface Violation {
  /** The rule that failed: a Pact matcher name (`integer`, `datetime`...), `equality`, `present`, `json` or `status`. */
  rule: string;
  /** `$.message_id` for the body, `header Content-Type` for a header, `$` for the whole body. */
  path: string;
  expected: string;
  actual: string;
}

interface CompiledRule {
  name: string;
  pattern: PathToken[];
  weight: number;
  check: CompiledMatcher;
  /** A `type` rule on an object or array: its children are matched by type too. */
  cascadesType: boolean;
}

/** A response body: its text, and its JSON value parsed once for every check (NOT_JSON if it is not JSON). */
export interface ResponseBody {
  text: string;
  json: unknown;
}
export const NOT_JSON: unique symbol = Symbol('not JSON');

/** Parses a body once for every check of it. */
export function parseResponseBody(text: string): ResponseBody {
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: NOT_JSON };
  }
}

interface CompiledInteraction {
  description: string;
  check(headers: Record<string, string | string[]>, body: ResponseBody): Violation[];
}

/**
 * The pact's response expectations, compiled once: `check` finds the interactions for a status
 * and returns what the response broke (none when any interaction for the status is satisfied).
 */
export class ResponseContract {
  readonly #byStatus: Map<number, CompiledInteraction[]>;

  private constructor(byStatus: Map<number, CompiledInteraction[]>) {
    this.#byStatus = byStatus;
  }

  /** Compiles every interaction; an unsupported matcher or path is reported (all at once) as a user error. */
  static compile(responses: readonly PactResponse[], file: string): ResponseContract {
    const problems: string[] = [];
    const byStatus = new Map<number, CompiledInteraction[]>();
    for (const response of responses) {
      const compiled = compileInteraction(response, (problem) => problems.push(`${response.description}: ${problem}`));
      byStatus.set(response.status, [...(byStatus.get(response.status) ?? []), compiled]);
    }
    if (problems.length > 0) throw new UserError(`the pact ${file} uses rules this harness cannot check`, { exitCode: ExitCode.badInput, problems });
    return new ResponseContract(byStatus);
  }

  /** The statuses the pact has interactions for. */
  get statuses(): number[] {
    return [...this.#byStatus.keys()].sort((a, b) => a - b);
  }

  /** Violations of the best-matching interaction for `status`, or 'noInteraction' when the pact has none. */
  check(status: number, headers: Record<string, string | string[]>, body: ResponseBody | string): Violation[] | 'noInteraction' {
    const interactions = this.#byStatus.get(status);
    if (!interactions) return 'noInteraction';
    const parsed = typeof body === 'string' ? parseResponseBody(body) : body;
    let best: Violation[] | undefined;
    for (const interaction of interactions) {
      const violations = interaction.check(headers, parsed);
      if (violations.length === 0) return violations;
      if (!best || violations.length < best.length) best = violations;
    }
    return best!;
  }
}

function compileInteraction(response: PactResponse, problem: (text: string) => void): CompiledInteraction {
  const bodyRules = compileRules(response.bodyRules, response.body, problem);
  const headerChecks = Object.entries(response.headers).map(([name, expectedValue]) => {
    const rule = response.headerRules[name];
    const compiled = rule ? compileRule(rule, [], problem) : undefined;
    return { name, expectedValue, compiled };
  });
  for (const name of Object.keys(response.headerRules)) {
    if (!(name in response.headers)) problem(`a header rule for "${name}" without the header in the response`);
  }
  const expectsBody = response.body !== undefined && response.body !== null && response.body !== '';
  const checkBody = expectsBody ? compileBody(response.body, [], bodyRules, undefined) : undefined;
  return {
    description: response.description,
    check(headers, responseBody) {
      const violations: Violation[] = [];
      for (const { name, expectedValue, compiled } of headerChecks) {
        const actual = headerValue(headers, name);
        const path = `header ${name}`;
        if (actual === undefined) violations.push({ rule: 'present', path, expected: expectedValue, actual: 'missing' });
        else if (compiled) {
          const failure = compiled.check(actual, expectedValue);
          if (failure !== undefined) violations.push({ rule: compiled.name, path, expected: failure, actual: excerpt(actual) });
        } else if (normaliseHeader(actual) !== normaliseHeader(expectedValue)) violations.push({ rule: 'equality', path, expected: expectedValue, actual: excerpt(actual) });
      }
      if (!checkBody) return violations;
      if (responseBody.json === NOT_JSON) {
        violations.push({ rule: 'json', path: '$', expected: 'a JSON body', actual: excerpt(responseBody.text || '(empty)') });
        return violations;
      }
      checkBody(responseBody.json, violations);
      return violations;
    },
  };
}

function compileRules(rules: Record<string, PactRule>, example: unknown, problem: (text: string) => void): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  for (const [path, rule] of Object.entries(rules)) {
    const pattern = parseRulePath(path);
    if (!pattern) {
      problem(`rule path "${path}" is not a JSON path this harness reads`);
      continue;
    }
    const result = compileRule(rule, pattern, problem);
    if (!result) continue;
    const target = valueAtPattern(example, pattern);
    compiled.push({ ...result, cascadesType: result.cascadesType && (Array.isArray(target) || jsonType(target) === 'object') });
  }
  return compiled;
}

function compileRule(rule: PactRule, pattern: PathToken[], problem: (text: string) => void): CompiledRule | undefined {
  const checks: CompiledMatcher[] = [];
  for (const definition of rule.matchers) {
    const compiled = compileMatcher(definition as MatcherDefinition);
    if (typeof compiled === 'function') checks.push(compiled);
    else problem(compiled.problem);
  }
  if (checks.length !== rule.matchers.length) return undefined;
  const name = rule.matchers.map((m) => m.match).join(rule.combine === 'OR' ? '|' : '+');
  const check: CompiledMatcher =
    checks.length === 1
      ? checks[0]!
      : rule.combine === 'OR'
        ? (actual, example) => {
            const failures = checks.map((c) => c(actual, example));
            return failures.some((f) => f === undefined) ? undefined : failures.join(' or ');
          }
        : (actual, example) => checks.map((c) => c(actual, example)).find((f) => f !== undefined);
  return { name, pattern, weight: pathWeight(pattern), check, cascadesType: rule.matchers.some((m) => m.match === 'type') };
}

type BodyChecker = (actual: unknown, out: Violation[]) => void;

/**
 * Compiles the body check once: which rule applies where, and every path text, are worked out
 * here, so checking a response walks closures without looking rules up or building paths (it
 * runs on every response of a load run). Arrays, whose length varies, are walked by matchValue.
 */
function compileBody(example: unknown, path: (string | number)[], rules: readonly CompiledRule[], inheritedType: CompiledMatcher | undefined): BodyChecker {
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

function valueAtPattern(example: unknown, pattern: readonly PathToken[]): unknown {
  let value = example;
  for (const token of pattern) {
    if (value === null || typeof value !== 'object') return undefined;
    value = token.kind === 'field' ? (value as Record<string, unknown>)[token.name] : token.kind === 'index' ? (value as unknown[])[token.index] : Object.values(value as object)[0];
  }
  return value;
}

function headerValue(headers: Record<string, string | string[]>, lowerName: string): string | undefined {
  const direct = headers[lowerName];
  if (direct !== undefined) return Array.isArray(direct) ? direct.join(', ') : direct;
  for (const name in headers) {
    if (name.toLowerCase() === lowerName) {
      const value = headers[name]!;
      return Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return undefined;
}

function normaliseHeader(value: string): string {
  return value.replace(/\s*([;,=])\s*/g, '$1').trim().toLowerCase();
}

function describeActual(value: unknown): string {
  return value === undefined ? 'missing' : excerpt(JSON.stringify(value));
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
