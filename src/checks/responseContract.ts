import { ExitCode, UserError } from '../errors.ts';
import { compileBody, compileMemberBody, excerpt } from './bodyMatcher.ts';
import type { MemberBodyChecker, PathRule, Violation } from './bodyMatcher.ts';
import { FlatObjectReader, isPlainKey } from './flatObjectReader.ts';
import { INGESTION_MEMBERS } from './ingestionChecks.ts';
import { parseRulePath } from './jsonPath.ts';
import { NOT_JSON } from './jsonValue.ts';
import { compileMatcher, ruleOnHeader, ruleOnList } from './matchers.ts';
import type { CompiledMatcher, CompiledRule, MatcherDefinition } from './matchers.ts';
import { isJsonType } from '../pact/pactFile.ts';
import type { PactResponse, PactRule } from '../pact/pactFile.ts';
import { ReceivedBody } from './receivedBody.ts';
import { compileStatusRule } from './statusRule.ts';

export type { Violation } from './bodyMatcher.ts';
export { NOT_JSON } from './jsonValue.ts';
export { ReceivedBody } from './receivedBody.ts';

/** Response headers as the engine hands them on: the header lines, flat (name, value, name, value...). */
export type ResponseHeaders = readonly string[];

interface CompiledInteraction {
  index: number;
  description: string;
  acceptsStatus(status: number): boolean;
  /** Its body check on members read from the bytes (see FlatObjectReader), when its example allows. */
  memberBody: MemberBodyChecker | undefined;
  /** How its members are read from the bytes, set by ResponseContract (undefined: its body is always parsed). */
  reading: MemberReading | undefined;
  check(headers: ResponseHeaders, body: ReceivedBody): Violation[];
}

/** How an interaction's body members are read from the bytes: the contract's reader, and the reader's slot of each member of the example. */
interface MemberReading {
  reader: FlatObjectReader;
  slots: number[];
}

/**
 * The pact's response expectations, compiled once, judged as Pact's reference verifier judges
 * them: `check` finds the interactions for a status and returns what the response broke (none
 * when any interaction for the status is satisfied).
 */
export class ResponseContract {
  readonly #interactions: CompiledInteraction[];
  readonly #byStatus = new Map<number, CompiledInteraction[]>();
  readonly #statuses: number[];

  private constructor(interactions: CompiledInteraction[], statuses: number[]) {
    this.#interactions = interactions;
    this.#statuses = statuses;
    // One reader for every interaction, which also reads the members the ingestion checks look at.
    const readable = (interaction: CompiledInteraction) => interaction.memberBody?.keys.every(isPlainKey) === true;
    const keys = new Set<string>(INGESTION_MEMBERS);
    for (const interaction of interactions) if (readable(interaction)) for (const key of interaction.memberBody!.keys) keys.add(key);
    const reader = new FlatObjectReader([...keys]);
    for (const interaction of interactions)
      if (readable(interaction)) interaction.reading = { reader, slots: interaction.memberBody!.keys.map((key) => reader.slotOf(key)) };
  }

  /** Compiles every interaction; a construct the harness does not check is reported (all at once) as a user error naming it. */
  static compile(responses: readonly PactResponse[], file: string): ResponseContract {
    const problems: string[] = [];
    const interactions = responses.map((response) =>
      compileInteraction(response, (problem) => problems.push(`interaction "${response.description}": ${problem}`)),
    );
    if (problems.length > 0) throw new UserError(`the pact ${file} uses constructs this harness does not check`, { exitCode: ExitCode.badInput, problems });
    return new ResponseContract(
      interactions,
      [...new Set(responses.map((response) => response.status))].sort((a, b) => a - b),
    );
  }

  /** The statuses the pact's examples have (a status rule may accept others). */
  get statuses(): number[] {
    return this.#statuses;
  }

  #interactionsFor(status: number): CompiledInteraction[] {
    let found = this.#byStatus.get(status);
    if (!found) {
      found = this.#interactions.filter((interaction) => interaction.acceptsStatus(status));
      this.#byStatus.set(status, found);
    }
    return found;
  }

  /** Where in the pact file the interactions for `status` are (what the reference verifier would judge an answer against). */
  interactionIndexesFor(status: number): number[] {
    return this.#interactionsFor(status).map((interaction) => interaction.index);
  }

  /** Violations of the best-matching interaction for `status`, or 'noInteraction' when the pact has none. */
  check(status: number, headers: ResponseHeaders, body: ReceivedBody | string | Uint8Array): Violation[] | 'noInteraction' {
    const interactions = this.#interactionsFor(status);
    if (interactions.length === 0) return 'noInteraction';
    const received = body instanceof ReceivedBody ? body : new ReceivedBody(body);
    let best: Violation[] | undefined;
    for (const interaction of interactions) {
      const violations = interaction.check(headers, received);
      if (violations.length === 0) return violations;
      if (!best || violations.length < best.length) best = violations;
    }
    return best!;
  }
}

function compileInteraction(response: PactResponse, problem: (text: string) => void): CompiledInteraction {
  for (const construct of response.unsupported) problem(construct);
  const statusRule = response.statusRule && compileStatusRule(response.statusRule);
  if (statusRule && 'problem' in statusRule) problem(statusRule.problem);
  const acceptsStatus = statusRule && !('problem' in statusRule) ? statusRule : (status: number) => status === response.status;

  const bodyRules: PathRule[] = [];
  for (const [path, rule] of Object.entries(response.bodyRules)) {
    const pattern = parseRulePath(path);
    if (!pattern) problem(`rule path "${path}" is not a JSON path this harness reads`);
    const compiled = compileRule(rule, problem);
    if (pattern && compiled) bodyRules.push({ pattern, rule: compiled });
  }
  const headerChecks: HeaderCheck[] = Object.entries(response.headers).map(([lowerName, { name, values }]) => {
    const rule = response.headerRules[lowerName];
    return {
      lowerName,
      path: `header ${name}`,
      values,
      rule: rule ? compileRule(rule, problem) : undefined,
      parameterised: PARAMETERISED_HEADERS.has(lowerName),
    };
  });
  for (const name of Object.keys(response.headerRules)) {
    if (!(name in response.headers)) problem(`a header rule for "${name}" without the header in the response`);
  }
  const contentTypeRule = headerChecks.find((header) => header.lowerName === 'content-type')?.rule;
  const expectsBody = response.body !== undefined;
  const checkBody = expectsBody ? compileBody(response.body, [], bodyRules) : undefined;
  const memberBody = expectsBody ? compileMemberBody(response.body, bodyRules) : undefined;
  const expectedType = response.bodyContentType ?? 'application/json';
  // Most answers carry the same Content-Type: the verdict on the last one is kept.
  let lastActualType: string | undefined;
  let lastTypeAccepted = true;
  const bodyTypeAccepted = (actualType: string): boolean => {
    if (actualType !== lastActualType) {
      lastActualType = actualType;
      lastTypeAccepted =
        sameBodyType(expectedType, actualType) ||
        (contentTypeRule !== undefined && ruleOnHeader(contentTypeRule, actualType.trim(), expectedType) === undefined);
    }
    return lastTypeAccepted;
  };

  const interaction: CompiledInteraction = {
    index: response.index,
    description: response.description,
    acceptsStatus,
    memberBody,
    reading: undefined,
    check(headers, responseBody) {
      const violations: Violation[] = [];
      // Looked up once, for the Content-Type header's own check and the body's type.
      const typeHeader = headerValue(headers, 'content-type');
      for (const header of headerChecks)
        checkHeader(header, header.lowerName === 'content-type' ? typeHeader : headerValue(headers, header.lowerName), violations);
      if (!checkBody) return violations;
      // A JSON example answered with another kind of body is a mismatch of its own (the reference does not read the body then).
      const actualType = Array.isArray(typeHeader) ? typeHeader[0] : typeHeader;
      if (actualType !== undefined && !bodyTypeAccepted(actualType)) {
        violations.push({ rule: 'contentType', path: '$', expected: `a body of type ${expectedType}`, actual: excerpt(actualType) });
        return violations;
      }
      const reading = interaction.reading;
      const members = reading && responseBody.members(reading.reader);
      if (members) {
        memberBody!.check(members, reading.slots, violations);
        return violations;
      }
      if (responseBody.json === NOT_JSON) {
        violations.push({ rule: 'json', path: '$', expected: 'a JSON body', actual: excerpt(responseBody.text || '(empty)') });
        return violations;
      }
      checkBody(responseBody.json, violations);
      return violations;
    },
  };
  return interaction;
}

function sameBodyType(expected: string, actual: string): boolean {
  const base = (type: string) => type.split(';')[0]!.trim().toLowerCase();
  return base(expected) === base(actual) || (isJsonType(expected) && isJsonType(actual));
}

function compileRule(rule: PactRule, problem: (text: string) => void): CompiledRule | undefined {
  const matchers: CompiledMatcher[] = [];
  for (const definition of rule.matchers) {
    const compiled = compileMatcher(definition as MatcherDefinition);
    if ('problem' in compiled) problem(compiled.problem);
    else matchers.push(compiled);
  }
  if (matchers.length !== rule.matchers.length) return undefined;
  return { name: matchers.map((m) => m.name).join(rule.combine === 'OR' ? '|' : '+'), combine: rule.combine, matchers };
}

/** A header's value(s) by lower-cased name, found whatever the case the server wrote it in. */
function headerValue(headers: ResponseHeaders, lowerName: string): string | string[] | undefined {
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
const PARAMETERISED_HEADERS = new Set(['accept', 'content-type']);

interface HeaderCheck {
  lowerName: string;
  path: string;
  /** The pact's values, one per header line. */
  values: string[];
  rule: CompiledRule | undefined;
  parameterised: boolean;
  /** The last pair compared, untrimmed, and what failed (undefined: it held): most answers repeat their headers. */
  lastExpected?: string;
  lastActual?: string;
  lastFailure?: string;
}

/**
 * A header as the reference checks it: value by value (each header line is a value), with its rule,
 * else by parameters (Accept, Content-Type), else equal once spaces around commas are dropped.
 */
function checkHeader(header: HeaderCheck, actual: string | string[] | undefined, out: Violation[]): void {
  const expected = header.values;
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
