import { compileDateTimeFormat } from './dateTimeFormat.ts';

/** A compiled matcher: undefined when `actual` satisfies it, else what was expected. */
export type CompiledMatcher = (actual: unknown, example: unknown) => string | undefined;

/** A matcher as a pact file writes it: `{ "match": "regex", "regex": "..." }` and friends. */
export type MatcherDefinition = { match: string } & Record<string, unknown>;

/** The matchers this harness checks, by Pact name. */
export const SUPPORTED_MATCHERS = ['type', 'regex', 'integer', 'decimal', 'number', 'boolean', 'null', 'equality', 'include', 'datetime', 'timestamp', 'date', 'time', 'notEmpty', 'semver', 'contentType'] as const;

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** JSON's own type names, which the `type` matcher compares. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Compiles one matcher definition once, so every response is checked without re-reading the pact. */
export function compileMatcher(definition: MatcherDefinition): CompiledMatcher | { problem: string } {
  switch (definition.match) {
    case 'type':
      return typeMatcher(optionalNumber(definition.min), optionalNumber(definition.max));
    case 'regex': {
      if (typeof definition.regex !== 'string') return { problem: 'regex matcher without a "regex"' };
      let whole: RegExp;
      try {
        // Pact (JVM) matches the whole value against the expression.
        whole = new RegExp(`^(?:${definition.regex})$`);
      } catch (error) {
        return { problem: `regex "${definition.regex}" does not compile: ${(error as Error).message}` };
      }
      return (actual) => ((typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') && whole.test(String(actual)) ? undefined : `a value matching /${definition.regex}/`);
    }
    case 'integer':
      return (actual) => (typeof actual === 'number' && Number.isInteger(actual) ? undefined : 'an integer');
    case 'decimal':
    case 'number':
      return (actual) => (typeof actual === 'number' && Number.isFinite(actual) ? undefined : definition.match === 'decimal' ? 'a decimal number' : 'a number');
    case 'boolean':
      return (actual) => (typeof actual === 'boolean' ? undefined : 'a boolean');
    case 'null':
      return (actual) => (actual === null ? undefined : 'null');
    case 'equality':
      return (actual, example) => (JSON.stringify(actual) === JSON.stringify(example) ? undefined : `exactly ${JSON.stringify(example)}`);
    case 'include': {
      const value = String(definition.value ?? '');
      return (actual) => (typeof actual === 'string' && actual.includes(value) ? undefined : `a string including ${JSON.stringify(value)}`);
    }
    case 'datetime':
    case 'timestamp':
    case 'date':
    case 'time':
      return dateTimeMatcher(definition);
    case 'notEmpty':
      return (actual) => (actual === null || actual === undefined || actual === '' || (Array.isArray(actual) && actual.length === 0) || (jsonType(actual) === 'object' && Object.keys(actual as object).length === 0) ? 'a value that is not empty' : undefined);
    case 'semver':
      return (actual) => (typeof actual === 'string' && SEMVER.test(actual) ? undefined : 'a semantic version');
    case 'contentType': {
      const value = String(definition.value ?? '').split(';')[0]!.trim().toLowerCase();
      return (actual) => (typeof actual === 'string' && actual.split(';')[0]!.trim().toLowerCase() === value ? undefined : `content type ${value}`);
    }
    default:
      return { problem: `matcher "${definition.match}" is not supported (supported: ${SUPPORTED_MATCHERS.join(', ')})` };
  }
}

/** Pact's `type` matcher: same JSON type as the example; arrays within min/max length. */
export function typeMatcher(min?: number, max?: number): CompiledMatcher {
  return (actual, example) => {
    const expected = jsonType(example);
    if (jsonType(actual) !== expected) return `a value of type ${expected}`;
    if (Array.isArray(actual)) {
      if (min !== undefined && actual.length < min) return `an array of at least ${min} items`;
      if (max !== undefined && actual.length > max) return `an array of at most ${max} items`;
    }
    return undefined;
  };
}

function dateTimeMatcher(definition: MatcherDefinition): CompiledMatcher | { problem: string } {
  const format = [definition.format, definition[definition.match]].find((value): value is string => typeof value === 'string');
  if (format === undefined) {
    // Without a format Pact expects ISO-8601.
    const iso = definition.match === 'date' ? /^\d{4}-\d{2}-\d{2}$/ : definition.match === 'time' ? /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/ : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
    return (actual) => (typeof actual === 'string' && iso.test(actual) ? undefined : `an ISO-8601 ${definition.match}`);
  }
  const check = compileDateTimeFormat(format);
  if (typeof check !== 'function') return check;
  // Under load many answers carry the same timestamp (one per ms at most): the last text that
  // passed is remembered, so a repeat costs one string comparison.
  let lastAccepted: string | undefined;
  return (actual) => {
    if (typeof actual === 'string' && actual === lastAccepted) return undefined;
    if (typeof actual !== 'string' || !check(actual)) return `a ${definition.match} formatted ${format}`;
    lastAccepted = actual;
    return undefined;
  };
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
