import { readFileSync } from 'node:fs';
import { PACT_FILE } from '../../../src/pact/pactTerms.ts';
import { seededRandom } from '../../../src/util/random.ts';
import type { Random } from '../../../src/util/random.ts';
import { JSON_HEADERS, field, rule } from './agreementCase.ts';
import type { AgreementCase, CaseRule } from './agreementCase.ts';
import { curatedCollectionCases } from './collectionCases.ts';
import { formCases } from './formCases.ts';
import { regexCases } from './regexCases.ts';
import { zoneCases } from './zoneCases.ts';

/** Raw JSON values a provider might send: the texts matter (`1` vs `1.0` vs `1e3`, integers past 2^53). */
export const RAW_VALUES = [
  '0',
  '1',
  '-7',
  '1.0',
  '1.5',
  '-0.25',
  '1e3',
  '2.5E-3',
  '9007199254740993',
  '12345678901234567890',
  '"1"',
  '"1.5"',
  '""',
  '"abc"',
  '"ABC"',
  '"  "',
  '"1.2.3"',
  '"2024-02-29"',
  '"2024-02-30"',
  '"2023-02-29"',
  '"12345-01-01"',
  '"25:00:00"',
  '"23:59:59"',
  '"2024-02-29T12:30:45.123Z"',
  '"2024-02-29T12:30:45+05:30"',
  '"2024-02-30T12:30:45.123Z"',
  '"नमस्ते 🙏"',
  'true',
  'false',
  'null',
  '[]',
  '[1]',
  '[1, 2, 3]',
  '["a", "b"]',
  '{}',
  '{"a": 1}',
  '{"a": "x", "b": 2}',
];

/** Matchers with the example each is written with; every one meets every raw value. */
export const LEAF_MATCHERS: [string, unknown, CaseRule][] = [
  ['type-string', 'abc', rule('type')],
  ['type-int', 1, rule('type')],
  ['type-decimal', 1.5, rule('type')],
  ['type-bool', true, rule('type')],
  ['type-array', [1], rule('type')],
  ['type-object', { a: 1 }, rule('type')],
  ['integer', 1, rule('integer')],
  ['decimal', 1.5, rule('decimal')],
  ['number', 1, rule('number')],
  ['boolean', true, rule('boolean')],
  ['null', null, rule('null')],
  ['regex-digits', '1', rule('regex', { regex: '\\d+' })],
  ['regex-decimal', '1.5', rule('regex', { regex: '\\d+\\.\\d+' })],
  ['regex-word', 'abc', rule('regex', { regex: '[a-z]+' })],
  ['regex-any', 'x', rule('regex', { regex: '.*' })],
  ['regex-bool', 'true', rule('regex', { regex: 'true|false' })],
  ['include-1', 'a1b', rule('include', { value: '1' })],
  ['include-b', 'abc', rule('include', { value: 'b' })],
  ['equality-string', 'abc', rule('equality')],
  ['equality-int', 1, rule('equality')],
  ['equality-object', { a: 1 }, rule('equality')],
  ['equality-array', [1, 2, 3], rule('equality')],
  ['notEmpty-string', 'abc', rule('notEmpty')],
  ['notEmpty-array', [1], rule('notEmpty')],
  ['notEmpty-object', { a: 1 }, rule('notEmpty')],
  ['notEmpty-int', 1, rule('notEmpty')],
  ['semver', '1.0.0', rule('semver')],
  ['date-format', '2024-01-31', rule('date', { format: 'yyyy-MM-dd' })],
  ['time-format', '12:30:45', rule('time', { format: 'HH:mm:ss' })],
  ['datetime-format', '2024-01-31T12:30:45.123Z', rule('datetime', { format: "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" })],
  ['datetime-offset', '2024-01-31T12:30:45+01:00', rule('datetime', { format: "yyyy-MM-dd'T'HH:mm:ssXXX" })],
  ['timestamp-format', '2024-01-31 12:30:45', rule('timestamp', { format: 'yyyy-MM-dd HH:mm:ss' })],
  ['date-iso', '2024-01-31', rule('date')],
  ['time-iso', '12:30:45', rule('time')],
  ['timestamp-iso', '2024-01-31T12:30:45.123Z', rule('timestamp')],
  ['datetime-iso', '2024-01-31T12:30:45.123Z', rule('datetime')],
];

/** No rule at all: the value must equal the example, and its JSON kind must be the example's. */
const UNRULED_EXAMPLES: [string, unknown][] = [
  ['int', 1],
  ['zero', 0],
  ['decimal', 1.5],
  ['string', 'abc'],
  ['true', true],
  ['null', null],
  // biome-ignore lint/correctness/noPrecisionLoss: the example is the rounded 2^53 + 1, as a consumer's JavaScript would write it
  ['big', 9007199254740993],
  ['array', [1, 2, 3]],
  ['object', { a: 1 }],
];

function leafCases(): AgreementCase[] {
  const cases: AgreementCase[] = [];
  for (const [name, example, matcher] of LEAF_MATCHERS) {
    for (const [i, raw] of RAW_VALUES.entries()) cases.push(field(`leaf ${name} #${i} ${raw}`, example, matcher, raw));
  }
  for (const [name, example] of UNRULED_EXAMPLES) {
    for (const [i, raw] of RAW_VALUES.entries()) cases.push(field(`unruled ${name} #${i} ${raw}`, example, undefined, raw));
  }
  return cases;
}

/** Structures: nesting, arrays by position and by type, min/max, wildcards, missing and extra keys. */
function structureCases(): AgreementCase[] {
  const body = (id: string, example: unknown, rules: Record<string, CaseRule> | undefined, actualRaw: string): AgreementCase => ({
    id,
    pact: { status: 200, body: example, rules: rules ? { body: rules } : undefined },
    actual: { status: 200, headers: JSON_HEADERS, body: actualRaw },
  });
  const typed = { $: rule('type') };
  const minMax = (min?: number, max?: number): CaseRule => rule('type', { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) });
  return [
    body('struct extra key allowed', { a: 1 }, undefined, '{"a": 1, "b": 2}'),
    body('struct missing key', { a: 1, b: 2 }, undefined, '{"a": 1}'),
    body('struct nested equal', { a: { b: { c: 'x' } } }, undefined, '{"a": {"b": {"c": "x"}}}'),
    body('struct nested differs', { a: { b: { c: 'x' } } }, undefined, '{"a": {"b": {"c": "y"}}}'),
    body('struct nested type', { a: { b: { c: 'x' } } }, typed, '{"a": {"b": {"c": "y"}}}'),
    body('struct nested type wrong kind', { a: { b: { c: 'x' } } }, typed, '{"a": {"b": {"c": 5}}}'),
    body('struct key order', { a: 1, b: 2 }, undefined, '{"b": 2, "a": 1}'),
    body('array same', [1, 2, 3], undefined, '[1, 2, 3]'),
    body('array shorter', [1, 2, 3], undefined, '[1, 2]'),
    body('array longer', [1, 2, 3], undefined, '[1, 2, 3, 4]'),
    body('array reordered', [1, 2, 3], undefined, '[3, 2, 1]'),
    body('array type same kinds', [1, 2], typed, '[5, 6, 7]'),
    body('array type mixed example positional', [1, 'a'], typed, '[2, "b"]'),
    body('array type mixed example longer', [1, 'a'], typed, '[2, "b", 3]'),
    body('array type mixed example longer wrong', [1, 'a'], typed, '[2, "b", "c"]'),
    body('array type mixed example swapped', [1, 'a'], typed, '["b", 2]'),
    body('array type objects padded', [{ a: 1 }, { b: 'x' }], typed, '[{"a": 2}, {"b": "y"}, {"a": 3}]'),
    body('array type objects padded wrong', [{ a: 1 }, { b: 'x' }], typed, '[{"a": 2}, {"b": "y"}, {"b": "z"}]'),
    body('array type empty actual', [1], typed, '[]'),
    body('array min ok', { items: [1] }, { '$.items': minMax(2) }, '{"items": [1, 2]}'),
    body('array min short', { items: [1] }, { '$.items': minMax(2) }, '{"items": [1]}'),
    body('array max ok', { items: [1] }, { '$.items': minMax(undefined, 2) }, '{"items": [1, 2]}'),
    body('array max long', { items: [1] }, { '$.items': minMax(undefined, 2) }, '{"items": [1, 2, 3]}'),
    body('array min items typed', { items: [{ id: 1 }] }, { '$.items': minMax(1) }, '{"items": [{"id": 2}, {"id": 3}]}'),
    body('array min items wrong kind', { items: [{ id: 1 }] }, { '$.items': minMax(1) }, '{"items": [{"id": "2"}]}'),
    body('array rule on items path', { items: [1] }, { '$.items[*]': rule('integer') }, '{"items": [1, 2, 3]}'),
    body('array rule on items path broken', { items: [1] }, { '$.items[*]': rule('integer') }, '{"items": [1, 2.5]}'),
    body('array integer rule on array path', { items: [1] }, { '$.items': rule('integer') }, '{"items": [1, 2, 3]}'),
    body('array integer rule on array path broken', { items: [1] }, { '$.items': rule('integer') }, '{"items": [1, "x"]}'),
    body('array regex rule on array path', { items: ['a'] }, { '$.items': rule('regex', { regex: '[a-z]' }) }, '{"items": ["b", "c"]}'),
    body('array index rule', { items: [1, 'a'] }, { '$.items[1]': rule('type') }, '{"items": [1, "b"]}'),
    body('array index rule other index differs', { items: [1, 'a'] }, { '$.items[1]': rule('type') }, '{"items": [2, "b"]}'),
    body('wildcard field', { a: { x: 1, y: 2 } }, { '$.a.*': rule('integer') }, '{"a": {"x": 5, "y": 6}}'),
    body('wildcard field broken', { a: { x: 1, y: 2 } }, { '$.a.*': rule('integer') }, '{"a": {"x": 5, "y": "6"}}'),
    body('items field wildcard', { items: [{ id: 1 }] }, { '$.items': minMax(0), '$.items[*].id': rule('integer') }, '{"items": [{"id": 1}, {"id": 2}]}'),
    body(
      'items field wildcard broken',
      { items: [{ id: 1 }] },
      { '$.items': minMax(0), '$.items[*].id': rule('integer') },
      '{"items": [{"id": 1}, {"id": 2.5}]}',
    ),
    body('equality nested key order', { a: { x: 1, y: 2 } }, { '$.a': rule('equality') }, '{"a": {"y": 2, "x": 1}}'),
    body('equality nested extra key', { a: { x: 1 } }, { '$.a': rule('equality') }, '{"a": {"x": 1, "y": 2}}'),
    body('equality array', { a: [1, 2] }, { '$.a': rule('equality') }, '{"a": [1, 2]}'),
    body('equality array order', { a: [1, 2] }, { '$.a': rule('equality') }, '{"a": [2, 1]}'),
    body('equality decimal vs integer', { a: 1 }, { '$.a': rule('equality') }, '{"a": 1.0}'),
    body('or combine pass second', { a: 1 }, { '$.a': { combine: 'OR', matchers: [{ match: 'null' }, { match: 'integer' }] } }, '{"a": 5}'),
    body('or combine fail both', { a: 1 }, { '$.a': { combine: 'OR', matchers: [{ match: 'null' }, { match: 'integer' }] } }, '{"a": "x"}'),
    body(
      'and combine fail one',
      { a: 'a1' },
      { '$.a': { combine: 'AND', matchers: [{ match: 'type' }, { match: 'regex', regex: '[a-z]\\d' }] } },
      '{"a": "zz"}',
    ),
    body('top-level type on object', { a: 1, b: 'x' }, typed, '{"a": 2, "b": "y", "c": true}'),
    body('top-level type wrong nested kind', { a: 1, b: 'x' }, typed, '{"a": "2", "b": "y"}'),
    body('null body example vs object', { a: null }, undefined, '{"a": {}}'),
    body('multibyte text equal', { a: 'नमस्ते 🙏 こんにちは' }, undefined, '{"a": "नमस्ते 🙏 こんにちは"}'),
    body('escaped unicode equal', { a: 'é' }, undefined, '{"a": "\\u00e9"}'),
    body('not json', { a: 1 }, undefined, 'not json'),
    body('empty body', { a: 1 }, undefined, ''),
    body('trailing garbage', { a: 1 }, undefined, '{"a": 1} x'),
  ];
}

/** Headers: repeated lines, value case, parameters, rules on header values, and the body's content type. */
function headerCases(): AgreementCase[] {
  const h = (
    id: string,
    headers: Record<string, string | string[]>,
    rules: Record<string, CaseRule> | undefined,
    actual: [string, string][],
    contentType?: string,
    body: unknown = { a: 1 },
    actualBody = '{"a": 1}',
  ): AgreementCase => ({
    id,
    pact: { status: 200, headers, body, contentType, rules: rules ? { header: rules } : undefined },
    actual: { status: 200, headers: actual, body: actualBody },
  });
  const json: [string, string] = ['Content-Type', 'application/json'];
  return [
    h('header equal', { 'X-Id': 'abc' }, undefined, [json, ['X-Id', 'abc']]),
    h('header value case differs', { 'X-Id': 'abc' }, undefined, [json, ['X-Id', 'ABC']]),
    h('header name case differs', { 'X-Id': 'abc' }, undefined, [json, ['x-id', 'abc']]),
    h('header missing', { 'X-Id': 'abc' }, undefined, [json]),
    h('header repeated lines vs list', { 'X-List': 'a, b' }, undefined, [json, ['X-List', 'a'], ['X-List', 'b']]),
    h('header repeated lines vs one value', { 'X-List': 'a' }, undefined, [json, ['X-List', 'a'], ['X-List', 'b']]),
    h('header list spacing', { 'X-List': 'a, b' }, undefined, [json, ['X-List', 'a,b']]),
    h('header regex', { 'X-Id': 'a1' }, { 'X-Id': rule('regex', { regex: '[a-z]\\d' }) }, [json, ['X-Id', 'b2']]),
    h('header regex broken', { 'X-Id': 'a1' }, { 'X-Id': rule('regex', { regex: '[a-z]\\d' }) }, [json, ['X-Id', 'bb']]),
    h('header regex repeated lines', { 'X-Id': 'a1' }, { 'X-Id': rule('regex', { regex: '[a-z]\\d' }) }, [json, ['X-Id', 'b2'], ['X-Id', 'c3']]),
    h('header integer rule', { 'X-Count': '5' }, { 'X-Count': rule('integer') }, [json, ['X-Count', '42']]),
    h('header integer rule broken', { 'X-Count': '5' }, { 'X-Count': rule('integer') }, [json, ['X-Count', '4.2']]),
    h('header number rule', { 'X-Count': '5' }, { 'X-Count': rule('number') }, [json, ['X-Count', '4.2']]),
    h('header decimal rule', { 'X-Count': '5.5' }, { 'X-Count': rule('decimal') }, [json, ['X-Count', '4.2']]),
    h('header type rule', { 'X-Id': 'a' }, { 'X-Id': rule('type') }, [json, ['X-Id', 'anything']]),
    h('header include rule', { 'X-Id': 'abc' }, { 'X-Id': rule('include', { value: 'b' }) }, [json, ['X-Id', 'xbx']]),
    h('content-type charset, no rule', { 'Content-Type': 'application/json' }, undefined, [['Content-Type', 'application/json; charset=UTF-8']]),
    h('content-type charset both', { 'Content-Type': 'application/json; charset=UTF-8' }, undefined, [['Content-Type', 'application/json; charset=UTF-8']]),
    h('content-type charset case', { 'Content-Type': 'application/json; charset=utf-8' }, undefined, [['Content-Type', 'application/json;charset=UTF-8']]),
    h('content-type other charset', { 'Content-Type': 'application/json; charset=UTF-8' }, undefined, [
      ['Content-Type', 'application/json; charset=ISO-8859-1'],
    ]),
    h('content-type case', { 'Content-Type': 'application/json' }, undefined, [['Content-Type', 'Application/JSON']]),
    h('content-type text/plain', { 'Content-Type': 'application/json' }, undefined, [['Content-Type', 'text/plain']]),
    h('body json served as text/plain', {}, undefined, [['Content-Type', 'text/plain']]),
    h('body json served without content-type', {}, undefined, []),
    h('body json served as vnd+json', {}, undefined, [['Content-Type', 'application/vnd.api+json']]),
    h('body json served with charset', {}, undefined, [['Content-Type', 'application/json; charset=utf-8']]),
    h('content-type regex rule', { 'Content-Type': 'application/json' }, { 'Content-Type': rule('regex', { regex: '^application/json(;.*)?$' }) }, [
      ['Content-Type', 'application/json; charset=UTF-8'],
    ]),
    h('content-type regex rule broken', { 'Content-Type': 'application/json' }, { 'Content-Type': rule('regex', { regex: '^application/json(;.*)?$' }) }, [
      ['Content-Type', 'text/json'],
    ]),
    h('contentType matcher', { 'Content-Type': 'application/json' }, { 'Content-Type': rule('contentType', { value: 'application/json' }) }, [
      ['Content-Type', 'application/json; charset=UTF-8'],
    ]),
    h('header date-like value equal', { 'X-When': 'Tue, 01 Jan 2030 00:00:00 GMT' }, undefined, [json, ['X-When', 'Tue, 01 Jan 2030 00:00:00 GMT']]),
  ];
}

/** Status: plain codes, and V4 status rules. */
function statusCases(): AgreementCase[] {
  const s = (id: string, status: number, actualStatus: number, statusRule?: CaseRule): AgreementCase => ({
    id,
    pact: { status, body: { a: 1 }, rules: statusRule ? { status: { $: statusRule } } : undefined },
    actual: { status: actualStatus, headers: JSON_HEADERS, body: '{"a": 1}' },
  });
  return [
    s('status equal', 200, 200),
    s('status differs', 200, 201),
    s('status rule success', 200, 201, rule('statusCode', { status: 'success' })),
    s('status rule success broken', 200, 404, rule('statusCode', { status: 'success' })),
    s('status rule list', 200, 202, rule('statusCode', { status: [200, 202] })),
    s('status rule list broken', 200, 204, rule('statusCode', { status: [200, 202] })),
  ];
}

/** The harness's own pact: each interaction against answers that honour it and answers that break it. */
function committedPactCases(): AgreementCase[] {
  const pact = JSON.parse(readFileSync(PACT_FILE, 'utf8')) as {
    interactions: {
      description: string;
      response: { status: number; headers?: Record<string, string[]>; body?: { content: unknown }; matchingRules?: AgreementCase['pact']['rules'] };
    }[];
  };
  const cases: AgreementCase[] = [];
  for (const interaction of pact.interactions) {
    const { response } = interaction;
    const base = { status: response.status, headers: response.headers, body: response.body?.content, rules: response.matchingRules };
    const answers: [string, string][] =
      response.status === 200
        ? [
            ['as logged', '{"message_id": 1411200493, "message_body": "hello", "created_at": "2026-11-30T12:41:27.980Z", "message_type": 0}'],
            ['id as string', '{"message_id": "1411200493", "message_body": "hello", "created_at": "2026-11-30T12:41:27.980Z", "message_type": 0}'],
            ['id as decimal', '{"message_id": 1411200493.0, "message_body": "hello", "created_at": "2026-11-30T12:41:27.980Z", "message_type": 0}'],
            ['id null', '{"message_id": null, "message_body": "hello", "created_at": "2026-11-30T12:41:27.980Z", "message_type": 0}'],
            ['created_at without ms', '{"message_id": 1, "message_body": "hello", "created_at": "2026-11-30T12:41:27Z", "message_type": 0}'],
            ['created_at with offset', '{"message_id": 1, "message_body": "hello", "created_at": "2026-11-30T12:41:27.980+00:00", "message_type": 0}'],
            ['created_at invalid date', '{"message_id": 1, "message_body": "hello", "created_at": "2026-02-30T12:41:27.980Z", "message_type": 0}'],
            ['created_at microseconds', '{"message_id": 1, "message_body": "hello", "created_at": "2026-11-30T12:41:27.980123Z", "message_type": 0}'],
            ['message_type as string', '{"message_id": 1, "message_body": "hello", "created_at": "2026-11-30T12:41:27.980Z", "message_type": "0"}'],
            ['field missing', '{"message_id": 1, "created_at": "2026-11-30T12:41:27.980Z", "message_type": 0}'],
            ['extra field', '{"message_id": 1, "message_body": "hello", "created_at": "2026-11-30T12:41:27.980Z", "message_type": 0, "extra": true}'],
            ['multilingual body', '{"message_id": 1, "message_body": "नमस्ते 🙏", "created_at": "2026-11-30T12:41:27.980Z", "message_type": 0}'],
          ]
        : [
            ['as documented', '{"error_message": "user is not registered"}'],
            ['reworded', '{"error_message": "no such user"}'],
            ['message as number', '{"error_message": 403}'],
            ['other key', '{"error": "no"}'],
          ];
    for (const [name, answer] of answers) {
      for (const contentType of ['application/json', 'application/json; charset=UTF-8']) {
        cases.push({
          id: `pact ${interaction.description}: ${name} (${contentType})`,
          pact: base,
          actual: { status: response.status, headers: [['Content-Type', contentType]], body: answer },
        });
      }
    }
  }
  return cases;
}

/** Date and time patterns against texts: field widths, ranges, calendars, offsets, names. */
const DATE_TIME_CASES: [string, string[]][] = [
  [
    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
    [
      '2018-10-04T12:41:27.980Z',
      '2018-10-04T12:41:27.98Z',
      '2018-10-04T12:41:27.9Z',
      '2018-10-04T12:41:27.980+00:00',
      '2018-13-04T12:41:27.980Z',
      '2019-02-29T12:41:27.980Z',
      '2020-02-29T12:41:27.980Z',
      '1900-02-29T12:41:27.980Z',
      '2000-02-29T12:41:27.980Z',
      '2018-04-31T12:41:27.980Z',
      '2018-1O-04T12:41:27.980Z',
      '2018-10-04 12:41:27.980Z',
      '20180-10-04T12:41:27.980Z',
      '2018-1-4T2:4:7.980Z',
      '2018-10-04T24:00:00.000Z',
      '2018-10-04T23:59:60.000Z',
      '18-10-04T12:41:27.980Z',
      'yesterday',
      '',
    ],
  ],
  ['yyyy-M-d', ['2018-2-9', '2018-2-30', '2018-12-31', '2018-0-9', '2018-02-09', '2018-2-9x']],
  ['dd MMM yyyy', ['31 Apr 2018', '29 Feb 2024', '29 feb 2023', '01 Sept 2024', '1 Jan 2024']],
  ['dd MMMM yyyy', ['01 January 2024', '31 june 2024', '30 June 2024']],
  ['dd MMM yyyy, h:mm a', ['04 Oct 2018, 9:41 PM', '04 Oct 2018, 13:41 PM', '04 Oct 2018, 0:41 am', '04 Oct 2018, 12:41 pm']],
  [
    'yyyy-MM-dd HH:mm:ssXXX',
    ['2026-11-24 10:00:00+05:30', '2026-11-24 10:00:00Z', '2026-11-24 10:00:00+0530', '2026-11-24 10:00:00+12:00', '2026-11-24 10:00:00-11:59'],
  ],
  ['yyyy-MM-dd HH:mm:ssX', ['2026-11-24 10:00:00+05', '2026-11-24 10:00:00+0530', '2026-11-24 10:00:00Z']],
  ['yyyy-MM-dd HH:mm:ssZ', ['2026-11-24 10:00:00+0530', '2026-11-24 10:00:00+05:30', '2026-11-24 10:00:00Z']],
  ['yyyy-MM-dd HH:mm:ss.SSSSSS', ['2026-11-24 10:00:00.123456', '2026-11-24 10:00:00.1', '2026-11-24 10:00:00.1234567']],
  ['EEE, dd MMM yyyy HH:mm:ss', ['Tue, 24 Nov 2026 10:00:00', 'tue, 24 Nov 2026 10:00:00', 'Tues, 24 Nov 2026 10:00:00']],
  ['HH:mm', ['09:30', '9:30', '24:00', '23:60']],
  ['kk:mm', ['24:00', '00:00']],
  ['yy-MM-dd', ['26-11-24', '2026-11-24', '6-1-2']],
  ['DDD', ['1', '365', '357', '0']],
  ["yyyy-'W'ww", ['2026-W48', '2026-W57']],
  ["yyyy-MM-dd'T'HH:mm:ss", ['2026-11-24T10:00:00', '2026-11-24T10:00:00Z']],
];

function dateTimeCases(): AgreementCase[] {
  return DATE_TIME_CASES.flatMap(([format, texts]) =>
    texts.flatMap((text) => [
      field(`datetime "${format}" "${text}"`, texts[0], rule('datetime', { format }), JSON.stringify(text)),
      field(`date "${format}" "${text}"`, texts[0], rule('date', { format }), JSON.stringify(text)),
    ]),
  );
}

/** Semantic versions as the reference's semver crate reads them. */
const SEMVERS = [
  '1.2.3',
  '0.0.0',
  '1.2',
  '1.2.3.4',
  'v1.2.3',
  '01.2.3',
  '1.02.3',
  '1.2.3-alpha',
  '1.2.3-alpha.1',
  '1.2.3-01',
  '1.2.3-0a',
  '1.2.3-a..b',
  '1.2.3-',
  '1.2.3+build.01',
  '1.2.3-rc.1+build',
  '1.2.3+',
  ' 1.2.3',
  '1.2.3 ',
  '10.20.30',
];

function semverCases(): AgreementCase[] {
  return SEMVERS.map((version) => field(`semver "${version}"`, '1.0.0', rule('semver'), JSON.stringify(version)));
}

/** Every hand-written case: leaf matchers against every raw value, structures, headers, status, dates, versions, our own pact. */
export function curatedCases(): AgreementCase[] {
  return [
    ...leafCases(),
    ...structureCases(),
    ...headerCases(),
    ...statusCases(),
    ...dateTimeCases(),
    ...semverCases(),
    ...regexCases(),
    ...formCases(),
    ...curatedCollectionCases(),
    ...zoneCases(),
    ...committedPactCases(),
  ];
}

/**
 * Cases generated from a seed: a random nested example with random rules on random paths, and an
 * actual body derived from it with random mutations (kind changes, number texts, missing keys,
 * extra items). The same seed gives the same cases.
 */
export function randomCases(seed: number, count: number): AgreementCase[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => randomCase(random, `random ${seed}/${i}`));
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const RANDOM_LEAVES: unknown[] = [0, 7, -3, 1.5, 'abc', '', '2024-01-31', 'a1', true, false, null];
const RANDOM_MATCHERS: CaseRule[] = LEAF_MATCHERS.map(([, , matcher]) => matcher);

function randomExample(random: Random, depth: number): unknown {
  const roll = random();
  if (depth > 2 || roll < 0.5) return pick(random, RANDOM_LEAVES);
  if (roll < 0.75) return Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomExample(random, depth + 1));
  return Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => [`k${k}`, randomExample(random, depth + 1)]));
}

/** Raw JSON text of a value derived from the example, with mutations. */
function mutate(random: Random, example: unknown): string {
  const roll = random();
  if (roll < 0.12) return pick(random, RAW_VALUES);
  if (Array.isArray(example)) {
    const items = example.map((item) => mutate(random, item));
    if (random() < 0.2) items.push(mutate(random, example[0]));
    if (random() < 0.1) items.pop();
    return `[${items.join(', ')}]`;
  }
  if (example !== null && typeof example === 'object') {
    const entries = Object.entries(example).filter(() => random() > 0.08);
    const texts = entries.map(([key, value]) => `${JSON.stringify(key)}: ${mutate(random, value)}`);
    if (random() < 0.15) texts.push('"extra": 1');
    return `{${texts.join(', ')}}`;
  }
  if (typeof example === 'number' && roll < 0.3) return pick(random, ['1.0', '1e3', '7', '-3.0', '9007199254740993']);
  if (roll < 0.6) return JSON.stringify(example);
  return JSON.stringify(pick(random, RANDOM_LEAVES));
}

/** Paths into an example that a rule may name: fields, indices, `[*]` and `*`. */
function rulePaths(example: unknown, path: string, out: string[]): string[] {
  out.push(path);
  if (Array.isArray(example)) for (const [i, item] of example.entries()) rulePaths(item, `${path}[${i}]`, out);
  if (Array.isArray(example) && example.length > 0) rulePaths(example[0], `${path}[*]`, out);
  if (example !== null && typeof example === 'object' && !Array.isArray(example))
    for (const [key, value] of Object.entries(example)) rulePaths(value, `${path}.${key}`, out);
  return out;
}

function randomCase(random: Random, id: string): AgreementCase {
  const example = { root: randomExample(random, 0) };
  const paths = rulePaths(example, '$', []);
  const rules: Record<string, CaseRule> = {};
  const ruleCount = Math.floor(random() * 3);
  for (let r = 0; r < ruleCount; r++) rules[pick(random, paths)] = pick(random, RANDOM_MATCHERS);
  return {
    id,
    pact: { status: 200, body: example, rules: ruleCount > 0 ? { body: rules } : undefined },
    actual: { status: 200, headers: JSON_HEADERS, body: mutate(random, example) },
  };
}
