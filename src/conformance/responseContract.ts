import { ExitCode, UserError } from '../errors.ts';
import { compileBody, excerpt, valueAtPattern } from './bodyMatcher.ts';
import type { CompiledRule, Violation } from './bodyMatcher.ts';
import { parseRulePath, pathWeight } from './jsonPath.ts';
import type { PathToken } from './jsonPath.ts';
import { compileMatcher, jsonType } from './matchers.ts';
import type { CompiledMatcher, MatcherDefinition } from './matchers.ts';
import type { PactResponse, PactRule } from './pactFile.ts';

export type { Violation } from './bodyMatcher.ts';

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
