// Generated cases for the V4 collection matchers (eachKey, eachValue, values, arrayContains): a
// random body with maps and lists, one such matcher on a map or list of it (sometimes beside a leaf
// rule), and an answer derived from the example with the mutations these matchers are about:
// renamed and extra keys, missing members, reordered, extra and missing items.
import { seededRandom } from '../../../src/util/random.ts';
import type { Random } from '../../../src/util/random.ts';
import { JSON_HEADERS, rule } from './agreementCase.ts';
import type { AgreementCase, CaseRule } from './agreementCase.ts';
import { LEAF_MATCHERS } from './corpus.ts';

const LEAVES: unknown[] = [0, 7, -3, 1.5, 'abc', 'b', '', 'a1', true, null];
const KEYS = ['a', 'b', 'k0', 'k1', 'x9', 'K', '1', 'é', 'a b'];
const KEY_RULES: CaseRule['matchers'] = [
  { match: 'regex', regex: '[a-z]+' },
  { match: 'regex', regex: '[a-z]\\d' },
  { match: 'regex', regex: '\\w+' },
  { match: 'type' },
  { match: 'include', value: 'k' },
  { match: 'notEmpty' },
];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomExample(random: Random, depth: number): unknown {
  const roll = random();
  if (depth > 2 || roll < 0.35) return pick(random, LEAVES);
  if (roll < 0.65) return Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomExample(random, depth + 1));
  const keys = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, KEYS)))];
  return Object.fromEntries(keys.map((key) => [key, randomExample(random, depth + 1)]));
}

/** The answer: the example as JSON text, with collection-shaped mutations. */
function mutate(random: Random, example: unknown): string {
  if (random() < 0.06) return JSON.stringify(pick(random, LEAVES));
  if (Array.isArray(example)) {
    const items = example.map((item) => mutate(random, item));
    if (random() < 0.3) items.push(mutate(random, pick(random, example)));
    if (random() < 0.15) items.shift();
    if (random() < 0.3) items.reverse();
    return `[${items.join(', ')}]`;
  }
  if (example !== null && typeof example === 'object') {
    const entries = Object.entries(example)
      .filter(() => random() > 0.12)
      .map(([key, value]) => [random() < 0.2 ? pick(random, KEYS) : key, mutate(random, value)] as const);
    if (random() < 0.25) entries.push([pick(random, KEYS), mutate(random, pick(random, Object.values(example)))]);
    return `{${[...new Map(entries)].map(([key, text]) => `${JSON.stringify(key)}: ${text}`).join(', ')}}`;
  }
  if (random() < 0.7) return JSON.stringify(example);
  return JSON.stringify(pick(random, LEAVES));
}

/** Paths to the maps and lists of an example, and to every value. */
function paths(example: unknown, path: string, collections: string[], all: string[]): void {
  all.push(path);
  if (Array.isArray(example)) {
    collections.push(path);
    for (const [i, item] of example.entries()) paths(item, `${path}[${i}]`, collections, all);
  } else if (example !== null && typeof example === 'object') {
    collections.push(path);
    for (const [key, value] of Object.entries(example)) paths(value, /^[A-Za-z_]\w*$/.test(key) ? `${path}.${key}` : `${path}['${key}']`, collections, all);
  }
}

function collectionRule(random: Random, at: unknown): CaseRule {
  const leaf = () => pick(random, LEAF_MATCHERS)[2].matchers[0]!;
  switch (Math.floor(random() * 4)) {
    case 0:
      return rule('eachKey', { rules: [pick(random, KEY_RULES)] });
    case 1:
      return rule('eachValue', { rules: [random() < 0.5 ? { match: 'type' } : leaf()] });
    case 2:
      return rule('values');
    default: {
      const length = Array.isArray(at) ? at.length : 1;
      const variants = Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
        const index = Math.floor(random() * (length + (random() < 0.1 ? 1 : 0)));
        const roll = random();
        if (roll < 0.4) return { index };
        if (roll < 0.6) return { index, rules: {} };
        return { index, rules: { $: { matchers: [random() < 0.5 ? { match: 'type' } : leaf()] } } };
      });
      return rule('arrayContains', { variants });
    }
  }
}

function collectionCase(random: Random, id: string): AgreementCase {
  const example = { root: randomExample(random, 0) };
  const collections: string[] = [];
  const all: string[] = [];
  paths(example, '$', collections, all);
  const at = pick(random, collections);
  const valueAt = at === '$' ? example : undefined;
  const rules: Record<string, CaseRule> = { [at]: collectionRule(random, valueAt) };
  if (random() < 0.35) rules[pick(random, all)] ??= pick(random, LEAF_MATCHERS)[2];
  return {
    id,
    pact: { status: 200, body: example, rules: { body: rules } },
    actual: { status: 200, headers: JSON_HEADERS, body: mutate(random, example) },
  };
}

/** Cases for the collection matchers from a seed: the same seed gives the same cases. */
export function collectionCases(seed: number, count: number): AgreementCase[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => collectionCase(random, `collection ${seed}/${i}`));
}

const digits = { match: 'regex', regex: '\\d+' };
const word = { match: 'regex', regex: '[a-z]+' };

/** A case on a body: the pact's example and body rules, and the answer's body text. */
const c = (id: string, body: unknown, rules: Record<string, CaseRule>, actual: string): AgreementCase => ({
  id: `collection ${id}`,
  pact: { status: 200, body, rules: { body: rules } },
  actual: { status: 200, headers: JSON_HEADERS, body: actual },
});

/** A case on header X-A with a collection matcher as its rule. */
const h = (
  id: string,
  _body: unknown,
  _rules: Record<string, CaseRule>,
  _actual: string,
  headers: [string, string][],
  pactHeaders: Record<string, string>,
  headerRules: Record<string, CaseRule>,
): AgreementCase => ({
  id: `collection ${id}`,
  pact: { status: 200, body: { v: 1 }, headers: pactHeaders, rules: { header: headerRules } },
  actual: { status: 200, headers, body: '{"v": 1}' },
});

/** Hand-written cases: each matcher on maps and lists, at the root, beside other rules, on headers, without rules or variants. */
export function curatedCollectionCases(): AgreementCase[] {
  const J = JSON_HEADERS;
  const r = rule;
  const keysAndValues: Record<string, CaseRule> = {
    '$.m': {
      combine: 'AND',
      matchers: [
        { match: 'eachKey', rules: [word] },
        { match: 'eachValue', rules: [{ match: 'integer' }] },
      ],
    },
  };
  const containsOrTwo: Record<string, CaseRule> = {
    '$.l': {
      combine: 'OR',
      matchers: [
        { match: 'arrayContains', variants: [{ index: 0 }] },
        { match: 'type', min: 2 },
      ],
    },
  };
  return [
    c('ek-ok', { m: { a: 1 } }, { '$.m': r('eachKey', { rules: [word] }) }, '{"m": {"b": 2, "cc": 3}}'),
    c('ek-badkey', { m: { a: 1 } }, { '$.m': r('eachKey', { rules: [word] }) }, '{"m": {"b1": 2}}'),
    c('ek-missing-a', { m: { a: 1 } }, { '$.m': r('eachKey', { rules: [word] }) }, '{"m": {}}'),
    c('ek-a-diff', { m: { a: 1 } }, { '$.m': r('eachKey', { rules: [word] }) }, '{"m": {"a": "x"}}'),
    c('ek-with-value-rule', { m: { a: 1 } }, { '$.m': r('eachKey', { rules: [word] }), '$.m.*': r('integer') }, '{"m": {"b": "x"}}'),
    c('ek-type-nested', { m: { a: { x: 1 } } }, { '$.m': r('eachKey', { rules: [word] }) }, '{"m": {"a": {"y": 1}}}'),
    c('ev-ok', { m: { a: 1 } }, { '$.m': r('eachValue', { rules: [{ match: 'type' }] }) }, '{"m": {"b": 2, "c": 3}}'),
    c('ev-bad', { m: { a: 1 } }, { '$.m': r('eachValue', { rules: [{ match: 'type' }] }) }, '{"m": {"b": "x"}}'),
    c('ev-empty', { m: { a: 1 } }, { '$.m': r('eachValue', { rules: [{ match: 'type' }] }) }, '{"m": {}}'),
    c('ev-list-ok', { l: [1] }, { '$.l': r('eachValue', { rules: [{ match: 'integer' }] }) }, '{"l": [1, 2, 3]}'),
    c('ev-list-bad', { l: [1] }, { '$.l': r('eachValue', { rules: [{ match: 'integer' }] }) }, '{"l": [1, 2.5]}'),
    c('ev-list-empty', { l: [1] }, { '$.l': r('eachValue', { rules: [{ match: 'integer' }] }) }, '{"l": []}'),
    c('ev-list-regex', { l: ['a'] }, { '$.l': r('eachValue', { rules: [word] }) }, '{"l": ["b", "cd"]}'),
    c('ev-list-regex-bad', { l: ['a'] }, { '$.l': r('eachValue', { rules: [word] }) }, '{"l": ["b", "C"]}'),
    c('ev-overrides-deeper', { l: [{ id: 1 }] }, { '$.l': r('eachValue', { rules: [{ match: 'type' }] }), '$.l[*].id': r('equality') }, '{"l": [{"id": 2}]}'),
    c('ev-objects', { l: [{ id: 1 }] }, { '$.l': r('eachValue', { rules: [{ match: 'type' }] }) }, '{"l": [{"id": 2}, {"id": 3, "x": 1}]}'),
    c('ev-objects-missing', { l: [{ id: 1 }] }, { '$.l': r('eachValue', { rules: [{ match: 'type' }] }) }, '{"l": [{"x": 1}]}'),
    c('values-ok', { m: { a: 1 } }, { '$.m': r('values') }, '{"m": {"b": 1, "c": 1}}'),
    c('values-bad', { m: { a: 1 } }, { '$.m': r('values') }, '{"m": {"b": 2}}'),
    c('values-first-key', { m: { b: 1, a: 2 } }, { '$.m': r('values') }, '{"m": {"z": 2}}'),
    c('values-first-key2', { m: { b: 1, a: 2 } }, { '$.m': r('values') }, '{"m": {"z": 1}}'),
    c('values-type', { m: { a: 1 } }, { '$.m': r('values'), '$.m.*': r('type') }, '{"m": {"b": 5}}'),
    c('values-list', { l: [1, 2] }, { '$.l': r('values') }, '{"l": [1, 2, 1]}'),
    c('values-list-bad', { l: [1, 2] }, { '$.l': r('values') }, '{"l": [1, 3]}'),
    c(
      'ac-ok',
      { l: [{ t: 'a' }, { t: 'b' }] },
      { '$.l': r('arrayContains', { variants: [{ index: 0, rules: { '$.t': { matchers: [{ match: 'type' }] } } }, { index: 1 }] }) },
      '{"l": [{"t": "b"}, {"t": "zz"}]}',
    ),
    c(
      'ac-missing-b',
      { l: [{ t: 'a' }, { t: 'b' }] },
      { '$.l': r('arrayContains', { variants: [{ index: 0, rules: { '$.t': { matchers: [{ match: 'type' }] } } }, { index: 1 }] }) },
      '{"l": [{"t": "zz"}]}',
    ),
    c('ac-norules-extra-key', { l: [{ t: 'a' }] }, { '$.l': r('arrayContains', { variants: [{ index: 0 }] }) }, '{"l": [{"t": "a", "x": 1}]}'),
    c('ac-norules-leaf', { l: ['a'] }, { '$.l': r('arrayContains', { variants: [{ index: 0 }] }) }, '{"l": ["b", "a"]}'),
    c('ac-empty-rules', { l: [{ t: 'a' }] }, { '$.l': r('arrayContains', { variants: [{ index: 0, rules: {} }] }) }, '{"l": [{"t": "a", "x": 1}]}'),
    c('ac-empty-rules-diff', { l: [{ t: 'a' }] }, { '$.l': r('arrayContains', { variants: [{ index: 0, rules: {} }] }) }, '{"l": [{"t": "b"}]}'),
    c('ac-bad-index', { l: [1] }, { '$.l': r('arrayContains', { variants: [{ index: 3 }] }) }, '{"l": [1]}'),
    c('ac-on-map', { m: { a: 1 } }, { '$.m': r('arrayContains', { variants: [{ index: 0 }] }) }, '{"m": {"b": 2}}'),
    c('ac-on-map-missing', { m: { a: 1 } }, { '$.m': r('arrayContains', { variants: [{ index: 0 }] }) }, '{"m": {}}'),
    c('ac-empty-actual', { l: [1] }, { '$.l': r('arrayContains', { variants: [{ index: 0 }] }) }, '{"l": []}'),
    c('ac-or-type', { l: [1] }, containsOrTwo, '{"l": [5, 6]}'),
    c('ac-or-type-bad', { l: [1] }, containsOrTwo, '{"l": [5]}'),
    c('statuscode-body', { v: 200 }, { '$.v': r('statusCode', { status: 'success' }) }, '{"v": 500}'),
    c('ek-root', { a: 1 }, { $: r('eachKey', { rules: [word] }) }, '{"b": 1}'),
    c('ek-root-bad', { a: 1 }, { $: r('eachKey', { rules: [word] }) }, '{"B": 1}'),
    c('ev-root', { a: 1 }, { $: r('eachValue', { rules: [{ match: 'integer' }] }) }, '{"b": 7}'),
    c('ek-wild', { m: { a: 1 } }, { '$.*': r('eachKey', { rules: [word] }) }, '{"m": {"b9": 1}}'),
    c('ek-ev', { m: { a: 1 } }, keysAndValues, '{"m": {"x": 3}}'),
    c('ek-ev-bad', { m: { a: 1 } }, keysAndValues, '{"m": {"x1": 3}}'),
    c('ek-numkey', { m: { a: 1 } }, { '$.m': r('eachKey', { rules: [digits] }) }, '{"m": {"12": 1}}'),
    c('values-cascaded', { m: { n: { a: 1 } } }, { '$.m': r('values') }, '{"m": {"x": {"a": 1}}}'),
    c('values-cascaded-bad', { m: { n: { a: 1 } } }, { '$.m': r('values') }, '{"m": {"x": {"a": 2}}}'),

    c('ek-norules', { m: { a: 1 } }, { '$.m': r('eachKey') }, '{"m": {"B1": 2}}'),
    c('ev-norules', { m: { a: 1 } }, { '$.m': r('eachValue') }, '{"m": {"b": 2}}'),
    c('ev-norules-empty', { m: { a: 1 } }, { '$.m': r('eachValue') }, '{"m": {}}'),
    c('ev-norules-list', { l: [1] }, { '$.l': r('eachValue') }, '{"l": [2]}'),
    h('hdr-values', { v: 1 }, {}, '{"v": 1}', [...J, ['X-A', 'abc']], { 'X-A': 'abc' }, { 'X-A': r('values') }),
    h('hdr-values-bad', { v: 1 }, {}, '{"v": 1}', [...J, ['X-A', 'abd']], { 'X-A': 'abc' }, { 'X-A': r('values') }),
    h('hdr-eachkey', { v: 1 }, {}, '{"v": 1}', [...J, ['X-A', 'abc']], { 'X-A': 'abc' }, { 'X-A': r('eachKey', { rules: [{ match: 'type' }] }) }),
    h('hdr-status', { v: 1 }, {}, '{"v": 1}', [...J, ['X-A', '201']], { 'X-A': '200' }, { 'X-A': r('statusCode', { status: 'success' }) }),
    h('hdr-status-bad', { v: 1 }, {}, '{"v": 1}', [...J, ['X-A', '404']], { 'X-A': '200' }, { 'X-A': r('statusCode', { status: 'success' }) }),
    h('hdr-ac', { v: 1 }, {}, '{"v": 1}', [...J, ['X-A', 'abc']], { 'X-A': 'abc' }, { 'X-A': r('arrayContains', { variants: [] }) }),
    c('body-status-list', { v: [200] }, { '$.v': r('statusCode', { status: [200] }) }, '{"v": [404]}'),
    c('body-status-map', { v: { a: 1 } }, { '$.v': r('statusCode', { status: [200] }) }, '{"v": {"a": 1}}'),
    c('ac-no-variants', { l: [1, 2] }, { '$.l': r('arrayContains', { variants: [] }) }, '{"l": [2, 1, 3]}'),
    c('ac-no-variants-bad', { l: [1, 2] }, { '$.l': r('arrayContains', { variants: [] }) }, '{"l": [2, 3]}'),
  ];
}
