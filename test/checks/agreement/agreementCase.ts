/** A matching rule as a V4 pact writes it. */
export interface CaseRule {
  combine?: 'AND' | 'OR';
  matchers: ({ match: string } & Record<string, unknown>)[];
}

/**
 * One question for both checkers: does this response honour this interaction? The pact side is a
 * V4 HTTP interaction's response; the actual side is sent by a real server, header lines and body
 * bytes exactly as given.
 */
export interface AgreementCase {
  /** Unique; also the interaction's description and the path it is requested on. */
  id: string;
  pact: {
    status: number;
    headers?: Record<string, string | string[]>;
    /** JSON body (with contentType application/json unless given). */
    body?: unknown;
    contentType?: string;
    rules?: { body?: Record<string, CaseRule>; header?: Record<string, CaseRule>; status?: Record<string, CaseRule> };
    /** `matchingRules` exactly as written here, instead of `rules`: the forms other versions and writers use. */
    rawRules?: unknown;
    /** The pact specification the interaction is written in (default 4): V2 and V3 write bodies and headers as they are. */
    spec?: 2 | 3 | 4;
  };
  actual: {
    status: number;
    /** Header lines in order; a name may repeat. */
    headers: [string, string][];
    body: string;
  };
}

/** A verdict on a case: honoured, broken, or (ours only) refused before any check, naming the construct. */
export type CaseVerdict = 'pass' | 'fail' | 'refused';

/** The pacts of a list of cases, one per specification version used: one interaction each, requested as GET /case/<index in the list>. */
export function pactsOf(cases: readonly AgreementCase[]): Map<2 | 3 | 4, unknown> {
  const bySpec = new Map<2 | 3 | 4, unknown[]>();
  cases.forEach((testCase, index) => {
    const spec = testCase.pact.spec ?? 4;
    bySpec.set(spec, [...(bySpec.get(spec) ?? []), interactionOf(testCase, index)]);
  });
  return new Map(
    [...bySpec].map(([spec, interactions]) => [
      spec,
      {
        consumer: { name: 'agreement-consumer' },
        provider: { name: 'agreement-provider' },
        interactions,
        metadata: { pactSpecification: { version: `${spec}.0${spec === 4 ? '' : '.0'}` } },
      },
    ]),
  );
}

/** The one pact of one case. */
export function pactOf(testCase: AgreementCase): unknown {
  return pactsOf([testCase]).values().next().value;
}

function interactionOf(testCase: AgreementCase, index: number): unknown {
  const { pact } = testCase;
  const spec = pact.spec ?? 4;
  const contentType = pact.contentType ?? 'application/json';
  const response: Record<string, unknown> = { status: pact.status };
  const request = { method: 'GET', path: `/case/${index}` };
  if (pact.headers)
    response.headers = Object.fromEntries(
      Object.entries(pact.headers).map(([name, value]) => [
        name,
        spec === 4 ? (Array.isArray(value) ? value : [value]) : Array.isArray(value) ? value.join(', ') : value,
      ]),
    );
  if (pact.body !== undefined) response.body = spec === 4 ? { content: pact.body, contentType, encoded: false } : pact.body;
  if (pact.rawRules !== undefined) response.matchingRules = pact.rawRules;
  else if (pact.rules) response.matchingRules = pact.rules;
  if (spec !== 4) return { description: testCase.id, request, response };
  return { type: 'Synchronous/HTTP', key: `case-${index}`, description: testCase.id, request, response };
}

export const JSON_HEADERS: [string, string][] = [['Content-Type', 'application/json']];

/** A rule of one matcher. */
export const rule = (match: string, options: Record<string, unknown> = {}): CaseRule => ({ combine: 'AND', matchers: [{ match, ...options }] });

/** A case on one field `v`: the pact's example and rule, and the raw JSON text the provider sends for it. */
export function field(id: string, example: unknown, fieldRule: CaseRule | undefined, actualRaw: string): AgreementCase {
  return {
    id,
    pact: { status: 200, body: { v: example }, rules: fieldRule ? { body: { '$.v': fieldRule } } : undefined },
    actual: { status: 200, headers: JSON_HEADERS, body: `{"v": ${actualRaw}}` },
  };
}
