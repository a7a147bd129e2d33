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

/** One statusCode matcher's statuses (`"status": "success"`, a list of codes, or one code; success when it names none). */
export function compileStatusCode(matcher: Record<string, unknown>): ((status: number) => boolean) | { problem: string } {
  const { status } = matcher;
  if (status === undefined) return STATUS_CLASSES.success!;
  if (typeof status === 'string' && STATUS_CLASSES[status]) return STATUS_CLASSES[status];
  if (Number.isInteger(status)) return (code) => code === status;
  if (Array.isArray(status) && status.every((code) => Number.isInteger(code))) return (code) => (status as number[]).includes(code);
  return {
    problem: `statusCode status ${JSON.stringify(status)} is not a status class (${Object.keys(STATUS_CLASSES).join(', ')}), a code or a list of codes`,
  };
}

/** Compiles a V4 status rule (`{ "matchers": [{ "match": "statusCode", "status": "success" }] }`) into the statuses it accepts. */
export function compileStatusRule(rule: PactRule): ((status: number) => boolean) | { problem: string } {
  const tests: ((status: number) => boolean)[] = [];
  for (const matcher of rule.matchers) {
    if (matcher.match !== 'statusCode') return { problem: `status rule "${matcher.match}" is not supported (only statusCode)` };
    const test = compileStatusCode(matcher);
    if (typeof test !== 'function') return test;
    tests.push(test);
  }
  return rule.combine === 'OR' ? (status) => tests.some((test) => test(status)) : (status) => tests.every((test) => test(status));
}
