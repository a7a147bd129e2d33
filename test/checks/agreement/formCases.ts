// Pacts in every form the Pact core reads (V2 paths, V3 and V4 categories, a status rule without a
// path, matchers named by alias or by their only key), and headers the reference reads as lists.
import { JSON_HEADERS as J } from './agreementCase.ts';
import type { AgreementCase } from './agreementCase.ts';

/** A case on body {v: 1}: the pact's form and rules, and what the provider sends. */
const base = (id: string, extra: Partial<AgreementCase['pact']>, actual: Partial<AgreementCase['actual']> = {}): AgreementCase => ({
  id,
  pact: { status: 200, body: { v: 1 }, ...extra },
  actual: { status: 200, headers: J, body: '{"v": 2}', ...actual },
});
const statusRule = { combine: 'AND', matchers: [{ match: 'statusCode', status: [200, 201] }] };
const FORM_CASES: AgreementCase[] = [
  base('status-nopath-201', { rawRules: { status: statusRule, body: { '$.v': { matchers: [{ match: 'integer' }] } } } }, { status: 201 }),
  base('status-nopath-202', { rawRules: { status: statusRule, body: { '$.v': { matchers: [{ match: 'integer' }] } } } }, { status: 202 }),
  base('status-class-success', { rawRules: { status: { matchers: [{ match: 'statusCode', status: 'success' }] } } }, { status: 206, body: '{"v": 1}' }),
  base('status-dollar', { rawRules: { status: { $: statusRule } } }, { status: 201, body: '{"v": 1}' }),
  base('v2-type', { spec: 2, rawRules: { '$.body.v': { match: 'type' } } }),
  base('v2-type-fail', { spec: 2, rawRules: { '$.body.v': { match: 'type' } } }, { body: '{"v": "x"}' }),
  base('v2-regex-nomatch', { spec: 2, body: { v: 'a1' }, rawRules: { '$.body.v': { regex: '[a-z]\\d' } } }, { body: '{"v": "b2"}' }),
  base('v2-regex-nomatch-fail', { spec: 2, body: { v: 'a1' }, rawRules: { '$.body.v': { regex: '[a-z]\\d' } } }, { body: '{"v": "22"}' }),
  base('v2-min', { spec: 2, body: { v: [1] }, rawRules: { '$.body.v': { min: 2 } } }, { body: '{"v": [1]}' }),
  base(
    'v2-header',
    { spec: 2, headers: { 'X-Id': 'a1' }, body: { v: 1 }, rawRules: { '$.headers.X-Id': { match: 'regex', regex: '[a-z]\\d' } } },
    { headers: [...J, ['X-Id', 'b7']], body: '{"v": 1}' },
  ),
  base(
    'v2-header-fail',
    { spec: 2, headers: { 'X-Id': 'a1' }, body: { v: 1 }, rawRules: { '$.headers.X-Id': { match: 'regex', regex: '[a-z]\\d' } } },
    { headers: [...J, ['X-Id', '77']], body: '{"v": 1}' },
  ),
  base('v3-type', { spec: 3, rules: { body: { '$.v': { matchers: [{ match: 'type' }] } } } }),
  base('v3-type-fail', { spec: 3, rules: { body: { '$.v': { matchers: [{ match: 'type' }] } } } }, { body: '{"v": "x"}' }),
  base('alias-real', { rules: { body: { '$.v': { matchers: [{ match: 'real' }] } } } }, { body: '{"v": 1.5}' }),
  base('alias-min-type', { body: { v: [1] }, rules: { body: { '$.v': { matchers: [{ match: 'min-type', min: 2 }] } } } }, { body: '{"v": [1]}' }),
  base('alias-not-empty', { rules: { body: { '$.v': { matchers: [{ match: 'not-empty' }] } } } }, { body: '{"v": ""}' }),
  base('nomatch-regex', { body: { v: 'a' }, rules: { body: { '$.v': { matchers: [{ regex: 'b+' } as never] } } } }, { body: '{"v": "bb"}' }),
  base('header-rule-no-header', { rules: { header: { 'X-Trace': { matchers: [{ match: 'regex', regex: '\\d+' }] } } } }, { body: '{"v": 1}' }),
  base(
    'header-rule-no-header-sent',
    { rules: { header: { 'X-Trace': { matchers: [{ match: 'regex', regex: '\\d+' }] } } } },
    { headers: [...J, ['X-Trace', 'abc']], body: '{"v": 1}' },
  ),
  base(
    'accept-q',
    { headers: { Accept: 'text/html, application/json;q=0.9' } },
    { headers: [...J, ['Accept', 'text/html, application/json;q=0.9']], body: '{"v": 1}' },
  ),
  base(
    'accept-q-space',
    { headers: { Accept: 'text/html, application/json; q=0.9' } },
    { headers: [...J, ['Accept', 'text/html,application/json;q=0.9']], body: '{"v": 1}' },
  ),
  base(
    'accept-q-diff',
    { headers: { Accept: 'text/html, application/json;q=0.9' } },
    { headers: [...J, ['Accept', 'text/html, application/json;q=0.8']], body: '{"v": 1}' },
  ),
  base(
    'accept-order',
    { headers: { Accept: 'text/html, application/json' } },
    { headers: [...J, ['Accept', 'application/json, text/html']], body: '{"v": 1}' },
  ),
  base(
    'ct-charset-extra',
    { headers: { 'Content-Type': 'application/json' } },
    { headers: [['Content-Type', 'application/json; charset=utf-8']], body: '{"v": 1}' },
  ),
  base('link-params', { headers: { Link: '<a>; rel="next"' } }, { headers: [...J, ['Link', '<a>;rel="next"']], body: '{"v": 1}' }),
  base(
    'cache-params',
    { headers: { 'Cache-Control': 'max-age=60, private' } },
    { headers: [...J, ['Cache-Control', 'private, max-age=60']], body: '{"v": 1}' },
  ),
];
/** A case on headers: the pact's header values (a V2/V3 text or a V4 list) against the header lines sent. */
const h = (id: string, pactHeaders: Record<string, string | string[]>, lines: [string, string][], spec: 2 | 3 | 4 = 4): AgreementCase => ({
  id,
  pact: { status: 200, body: { v: 1 }, headers: pactHeaders, spec },
  actual: { status: 200, headers: [...J, ...lines], body: '{"v": 1}' },
});
const HEADER_LIST_CASES: AgreementCase[] = [
  h('xlist-same', { 'X-List': 'a, b' }, [['X-List', 'a, b']]),
  h('xlist-nospace', { 'X-List': 'a, b' }, [['X-List', 'a,b']]),
  h('xlist-arr', { 'X-List': ['a', 'b'] }, [['X-List', 'a, b']]),
  h('vary-single', { Vary: 'Accept, Origin' }, [['Vary', 'Accept, Origin']]),
  h('vary-arr', { Vary: ['Accept', 'Origin'] }, [['Vary', 'Accept, Origin']]),
  h('vary-v3', { Vary: 'Accept, Origin' }, [['Vary', 'Accept, Origin']], 3),
  h(
    'vary-v3-lines',
    { Vary: 'Accept, Origin' },
    [
      ['Vary', 'Accept'],
      ['Vary', 'Origin'],
    ],
    3,
  ),
  h('accept-arr', { Accept: ['text/html', 'application/json;q=0.9'] }, [['Accept', 'text/html, application/json; q=0.9']]),
  h('accept-arr-q', { Accept: ['text/html', 'application/json;q=0.9'] }, [['Accept', 'text/html, application/json;q=0.8']]),
  h('accept-v3', { Accept: 'text/html, application/json;q=0.9' }, [['Accept', 'text/html,application/json;q=0.9']], 3),
  h('date-commas', { Date: 'Tue, 24 Nov 2026 10:00:00 GMT' }, [['Date', 'Tue, 24 Nov 2026 10:00:00 GMT']]),
  h('setcookie', { 'Set-Cookie': 'a=1; Expires=Tue, 24 Nov 2026 10:00:00 GMT' }, [['Set-Cookie', 'a=1; Expires=Tue, 24 Nov 2026 10:00:00 GMT']]),
  h('allow-order', { Allow: 'GET, POST' }, [['Allow', 'POST, GET']]),
  h('allow-v3', { Allow: 'GET, POST' }, [['Allow', 'GET,POST']], 3),
  h('ae', { 'Accept-Encoding': 'gzip, br' }, [['Accept-Encoding', 'gzip,br']], 3),
  h('etag-ifmatch', { 'If-Match': '"a", "b"' }, [['If-Match', '"a","b"']], 3),
  h('xlist-v3', { 'X-List': 'a, b' }, [['X-List', 'a,b']], 3),
  h(
    'xlist-v3-lines',
    { 'X-List': 'a, b' },
    [
      ['X-List', 'a'],
      ['X-List', 'b'],
    ],
    3,
  ),
];

export function formCases(): AgreementCase[] {
  return [...FORM_CASES, ...HEADER_LIST_CASES].map((testCase) => ({ ...testCase, id: `form ${testCase.id}` }));
}
