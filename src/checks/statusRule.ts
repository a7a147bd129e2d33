import type { PactRule } from '../pact/pactFile.ts';

/** Status classes of V4's `statusCode` matcher, as the reference (pact_models' HttpStatus) reads them. */
const STATUS_CLASSES: Record<string, (status: number) => boolean> = {
  info: (status) => status >= 100 && status <= 199,
  success: (status) => status >= 200 && status <= 299,
  redirect: (status) => status >= 300 && status <= 399,
  clientError: (status) => status >= 400 && status <= 499,
  serverError: (status) => status >= 500 && status <= 599,
  nonError: (status) => status < 400,
  error: (status) => status >= 400,
};

/** Compiles a V4 status rule (`{ "$": { "matchers": [{ "match": "statusCode", "status": "success" }] } }`) into the statuses it accepts. */
export function compileStatusRule(rule: PactRule): ((status: number) => boolean) | { problem: string } {
  const tests: ((status: number) => boolean)[] = [];
  for (const matcher of rule.matchers) {
    if (matcher.match !== 'statusCode') return { problem: `status rule "${matcher.match}" is not supported (only statusCode)` };
    const { status } = matcher as { status?: unknown };
    if (typeof status === 'string' && STATUS_CLASSES[status]) tests.push(STATUS_CLASSES[status]);
    else if (Array.isArray(status) && status.every((code) => Number.isInteger(code))) tests.push((code) => (status as number[]).includes(code));
    else return { problem: `statusCode status ${JSON.stringify(status)} is not a status class (${Object.keys(STATUS_CLASSES).join(', ')}) or a list of codes` };
  }
  return rule.combine === 'OR' ? (status) => tests.some((test) => test(status)) : (status) => tests.every((test) => test(status));
}
