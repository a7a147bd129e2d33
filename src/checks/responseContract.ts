import { ExitCode, UserError } from '../errors.ts';
import { compileBody, compileMemberBody, excerpt } from './bodyMatcher.ts';
import type { MemberBodyChecker, PathRule, Violation } from './bodyMatcher.ts';
import { FlatObjectReader, isPlainKey } from './flatObjectReader.ts';
import { INGESTION_MEMBERS } from './ingestionChecks.ts';
import { parseRulePath } from './jsonPath.ts';
import { NOT_JSON } from './jsonValue.ts';
import { VARIANT_EQUALITY, compileMatcher, ruleOnHeader } from './matchers.ts';
import type { CompiledMatcher, CompiledRule } from './matchers.ts';
import { isJsonType } from '../pact/pactFile.ts';
import type { PactResponse, PactRule } from '../pact/pactFile.ts';
import { ReceivedBody } from './receivedBody.ts';
import { compileStatusRule } from './statusRule.ts';
import { MULTI_VALUE_HEADERS, PARAMETERISED_HEADERS, checkHeader, headerValue } from './headerCheck.ts';
import type { HeaderCheck, ResponseHeaders } from './headerCheck.ts';

export type { Violation } from './bodyMatcher.ts';
export { NOT_JSON } from './jsonValue.ts';
export { ReceivedBody } from './receivedBody.ts';
export type { ResponseHeaders } from './headerCheck.ts';

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

  /** Whether the pact has an interaction for `status` (a status rule may accept more than its examples). */
  hasInteractionFor(status: number): boolean {
    return this.#interactionsFor(status).length > 0;
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

  const bodyRules = compileBodyRules(response.bodyRules, problem);
  const headerChecks: HeaderCheck[] = Object.entries(response.headers).map(([lowerName, { name, values }]) => {
    const rule = response.headerRules[lowerName];
    return {
      lowerName,
      path: `header ${name}`,
      values,
      rule: rule ? compileRule(rule, problem) : undefined,
      parameterised: PARAMETERISED_HEADERS.has(lowerName),
      multiValue: MULTI_VALUE_HEADERS.has(lowerName),
    };
  });
  // A rule for a header the response does not list is not applied: the reference compares only the headers the pact expects.
  const contentTypeCheck = headerChecks.find((header) => header.lowerName === 'content-type');
  const expectsBody = response.body !== undefined;
  const checkBody = expectsBody ? compileBody(response.body, [], bodyRules) : undefined;
  const memberBody = expectsBody ? compileMemberBody(response.body, bodyRules) : undefined;
  const expectedType = response.bodyContentType ?? 'application/json';
  // Most answers carry the same Content-Type: the verdict on the last one is kept, so an answer
  // costs one string comparison for the header's own check and the body's type together.
  let lastTypeHeader: string | string[] | undefined;
  let lastVerdict: ContentTypeVerdict | undefined;
  const contentTypeVerdict = (typeHeader: string | string[] | undefined): ContentTypeVerdict => {
    if (lastVerdict === undefined || typeHeader !== lastTypeHeader || Array.isArray(typeHeader)) {
      const headerViolations: Violation[] = [];
      if (contentTypeCheck) checkHeader(contentTypeCheck, typeHeader, headerViolations);
      const actualType = Array.isArray(typeHeader) ? typeHeader[0] : typeHeader;
      const bodyTypeAccepted =
        actualType === undefined ||
        sameBodyType(expectedType, actualType) ||
        (contentTypeCheck?.rule !== undefined && ruleOnHeader(contentTypeCheck.rule, actualType.trim(), expectedType) === undefined);
      lastTypeHeader = typeHeader;
      lastVerdict = { headerViolations, actualType, bodyTypeAccepted };
    }
    return lastVerdict;
  };

  const interaction: CompiledInteraction = {
    index: response.index,
    description: response.description,
    acceptsStatus,
    memberBody,
    reading: undefined,
    check(headers, responseBody) {
      const violations: Violation[] = [];
      const typeVerdict = contentTypeVerdict(headerValue(headers, 'content-type'));
      for (const header of headerChecks) {
        if (header !== contentTypeCheck) checkHeader(header, headerValue(headers, header.lowerName), violations);
        else if (typeVerdict.headerViolations.length > 0) violations.push(...typeVerdict.headerViolations);
      }
      if (!checkBody) return violations;
      // A JSON example answered with another kind of body is a mismatch of its own (the reference does not read the body then).
      if (!typeVerdict.bodyTypeAccepted) {
        violations.push({ rule: 'contentType', path: '$', expected: `a body of type ${expectedType}`, actual: excerpt(typeVerdict.actualType!) });
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

/** What an answer's Content-Type means: the header's own violations, and whether the body's type is the pact's. */
interface ContentTypeVerdict {
  headerViolations: Violation[];
  /** The first Content-Type value, if any. */
  actualType: string | undefined;
  bodyTypeAccepted: boolean;
}

function sameBodyType(expected: string, actual: string): boolean {
  const base = (type: string) => type.split(';')[0]!.trim().toLowerCase();
  return base(expected) === base(actual) || (isJsonType(expected) && isJsonType(actual));
}

function compileRule(rule: PactRule, problem: (text: string) => void): CompiledRule | undefined {
  const matchers: CompiledMatcher[] = [];
  for (const definition of rule.matchers) {
    const compiled = compileMatcher(definition);
    if ('problem' in compiled) {
      problem(compiled.problem);
      continue;
    }
    const { nested, ...matcher } = compiled;
    if (nested === undefined) {
      matchers.push(matcher);
      continue;
    }
    // A collection matcher's own rules: each compiled as any rule is, their problems named with it.
    const inner = (text: string) => problem(`${compiled.name}: ${text}`);
    if (nested.kind === 'arrayContains') {
      const variants = nested.variants.map(({ index, rules }) => ({ index, rules: compileBodyRules(rules, inner) }));
      matchers.push({ ...matcher, structure: { kind: 'arrayContains', variants, equality: compileBodyRules(VARIANT_EQUALITY, inner) } });
    } else {
      const each =
        nested.matchers.length === 0
          ? { name: 'none', combine: 'AND' as const, matchers: [] }
          : compileRule({ combine: 'AND', matchers: nested.matchers }, inner);
      if (!each) continue;
      matchers.push({ ...matcher, structure: nested.kind === 'eachKey' ? { kind: 'eachKey', keys: each } : { kind: 'eachValue', each } });
    }
  }
  if (matchers.length !== rule.matchers.length) return undefined;
  return { name: matchers.map((m) => m.name).join(rule.combine === 'OR' ? '|' : '+'), combine: rule.combine, matchers };
}

/** Body rules by path, compiled: each path read and each rule compiled, what cannot be named through `problem`. */
function compileBodyRules(rules: Record<string, PactRule>, problem: (text: string) => void): PathRule[] {
  const compiled: PathRule[] = [];
  for (const [path, rule] of Object.entries(rules)) {
    const pattern = parseRulePath(path);
    if (!pattern) problem(`rule path "${path}" is not a JSON path this harness reads`);
    const body = compileRule(rule, problem);
    if (pattern && body) compiled.push({ pattern, rule: body });
  }
  return compiled;
}
