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

/** The V4 pact of a list of cases: one interaction each, requested as GET /case/<index>. */
export function pactOf(cases: readonly AgreementCase[]): unknown {
  return {
    consumer: { name: 'agreement-consumer' },
    provider: { name: 'agreement-provider' },
    interactions: cases.map((testCase, index) => {
      const { pact } = testCase;
      const contentType = pact.contentType ?? 'application/json';
      const response: Record<string, unknown> = { status: pact.status };
      if (pact.headers)
        response.headers = Object.fromEntries(Object.entries(pact.headers).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]));
      if (pact.body !== undefined) response.body = { content: pact.body, contentType, encoded: false };
      if (pact.rules) response.matchingRules = pact.rules;
      return { type: 'Synchronous/HTTP', key: `case-${index}`, description: testCase.id, request: { method: 'GET', path: `/case/${index}` }, response };
    }),
    metadata: { pactSpecification: { version: '4.0' } },
  };
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
