// A response's matching rules in every form the Pact core writes and reads (pact_models'
// matchers_from_json): a V2 map of paths (`$.body.x`, `$.headers.X`, one matcher each), or V3/V4
// categories whose entries are rule lists by path or header name, or one rule list without a path
// (`"status": {"combine": "AND", "matchers": [...]}`). Matchers are named by `match` (any of the
// names the core accepts) or, as V2 wrote them, by their only key (`{"regex": "..."}`).
import { z } from 'zod';

/** A matcher as the harness reads it: `match` is the one name it goes by here (`type`, `regex`, `eachKey`...). */
export type MatcherDefinition = { match: string } & Record<string, unknown>;

/** A matching rule: matchers combined with AND or OR. */
export interface PactRule {
  combine: 'AND' | 'OR';
  matchers: MatcherDefinition[];
}

/** A response's rules by category, and what could not be read (each names where it is). */
export interface ResponseRules {
  /** Body rules by JSON path (`$.a[*].b`). */
  body: Record<string, PactRule>;
  /** Header rules by lower-cased header name. */
  header: Record<string, PactRule>;
  /** The status rule, when there is one. */
  status: PactRule | undefined;
  problems: string[];
}

/** The names the core accepts for each matcher (pact_models' MatchingRule::create_rule), by the name used here. */
const ALIASES: Record<string, string> = {
  real: 'decimal',
  'min-type': 'type',
  'max-type': 'type',
  min: 'type',
  max: 'type',
  timestamp: 'datetime',
  'content-type': 'contentType',
  'array-contains': 'arrayContains',
  'status-code': 'statusCode',
  'not-empty': 'notEmpty',
  'each-key': 'eachKey',
  'each-value': 'eachValue',
};

const ruleListSchema = z.looseObject({ combine: z.string().optional(), matchers: z.array(z.unknown()) });

/** A matcher JSON object in any form the core reads, named as the harness names it; a problem text when it is none. */
export function readMatcher(json: unknown): MatcherDefinition | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'a matcher that is not a JSON object';
  const attributes = json as Record<string, unknown>;
  const named = attributes.match ?? attributes['pact:matcher:type'];
  if (named !== undefined) {
    if (typeof named !== 'string' || named === '') return `a matcher whose "match" is ${JSON.stringify(named)}`;
    return { ...attributes, match: ALIASES[named] ?? named };
  }
  // V2 wrote a matcher by its only attribute.
  if (attributes.regex !== undefined) return { ...attributes, match: 'regex' };
  if (attributes.min !== undefined || attributes.max !== undefined) return { ...attributes, match: 'type' };
  for (const kind of ['timestamp', 'time', 'date'] as const) if (attributes[kind] !== undefined) return { ...attributes, match: ALIASES[kind] ?? kind };
  return 'a matcher without "match" whose kind cannot be told from its attributes';
}

function readRuleList(json: unknown, where: string, problems: string[]): PactRule | undefined {
  const parsed = ruleListSchema.safeParse(json);
  if (!parsed.success) {
    problems.push(`${where}: a rule needs "matchers", a list`);
    return undefined;
  }
  const matchers: MatcherDefinition[] = [];
  for (const [i, matcher] of parsed.data.matchers.entries()) {
    const read = readMatcher(matcher);
    if (typeof read === 'string') problems.push(`${where} matcher ${i}: ${read}`);
    else matchers.push(read);
  }
  if (matchers.length === 0) return undefined;
  return { combine: parsed.data.combine?.toUpperCase() === 'OR' ? 'OR' : 'AND', matchers };
}

/** A V2 header path's name: `$.headers.X-Id` or `$.headers['X Id']`. */
function v2HeaderName(path: string): string | undefined {
  const match = /^\$\.headers(?:\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\])/.exec(path);
  return match?.[1] ?? match?.[2]?.replace(/\\(.)/g, '$1');
}

/** Reads a response's `matchingRules` (V2 map or V3/V4 categories); categories other than body, header and status are not a response's. */
export function readResponseRules(json: unknown): ResponseRules {
  const rules: ResponseRules = { body: {}, header: {}, status: undefined, problems: [] };
  if (json === undefined || json === null) return rules;
  if (typeof json !== 'object' || Array.isArray(json)) {
    rules.problems.push('matchingRules: not a JSON object');
    return rules;
  }
  const entries = Object.entries(json as Record<string, unknown>);
  // As the core decides: a first key starting with $ makes the whole map V2.
  if (entries[0]?.[0].startsWith('$')) {
    for (const [path, matcherJson] of entries) {
      const matcher = readMatcher(matcherJson);
      if (typeof matcher === 'string') {
        rules.problems.push(`matchingRules "${path}": ${matcher}`);
        continue;
      }
      const rule: PactRule = { combine: 'AND', matchers: [matcher] };
      const addTo = (target: Record<string, PactRule>, key: string) => {
        target[key] = target[key] ? { combine: 'AND', matchers: [...target[key].matchers, matcher] } : rule;
      };
      if (path === '$.body' || path.startsWith('$.body.') || path.startsWith('$.body[')) addTo(rules.body, `$${path.slice('$.body'.length)}`);
      else if (path.startsWith('$.headers')) {
        const name = v2HeaderName(path);
        if (name === undefined) rules.problems.push(`matchingRules "${path}": not a header path`);
        else addTo(rules.header, name.toLowerCase());
      } else if (path === '$.status') rules.status = rules.status ? { combine: 'AND', matchers: [...rules.status.matchers, matcher] } : rule;
    }
    return rules;
  }
  for (const [category, content] of entries) {
    if (!['body', 'header', 'status'].includes(category)) continue;
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      rules.problems.push(`matchingRules.${category}: not a JSON object`);
      continue;
    }
    // A rule list without a path: the category's own (how the core writes `status`).
    if ('matchers' in content) {
      const rule = readRuleList(content, `matchingRules.${category}`, rules.problems);
      if (!rule) continue;
      if (category === 'status') rules.status = rule;
      else rules.problems.push(`matchingRules.${category}: a rule without a path or name (not checked)`);
      continue;
    }
    for (const [key, list] of Object.entries(content)) {
      const rule = readRuleList(list, `matchingRules.${category}["${key}"]`, rules.problems);
      if (!rule) continue;
      if (category === 'body') rules.body[key] = rule;
      else if (category === 'header') rules.header[key.toLowerCase()] = rule;
      else if (key === '$' || key === '') rules.status = rule;
      else rules.problems.push(`matchingRules.status["${key}"]: a status rule on a path (the status has none)`);
    }
  }
  return rules;
}
