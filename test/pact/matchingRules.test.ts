import { describe, expect, it } from 'vitest';
import { readMatcher, readResponseRules } from '../../src/pact/matchingRules.ts';

describe('matching rules in every form the Pact core reads', () => {
  it('reads V3/V4 categories, header names in any case, and a status rule without a path', () => {
    const rules = readResponseRules({
      body: { '$.id': { matchers: [{ match: 'integer' }] } },
      header: { 'X-Trace': { combine: 'OR', matchers: [{ match: 'regex', regex: '\\d+' }, { match: 'equality' }] } },
      status: { combine: 'AND', matchers: [{ match: 'statusCode', status: [200, 201] }] },
    });
    expect(rules.problems).toEqual([]);
    expect(rules.body['$.id']).toEqual({ combine: 'AND', matchers: [{ match: 'integer' }] });
    expect(rules.header['x-trace']?.combine).toBe('OR');
    expect(rules.status).toEqual({ combine: 'AND', matchers: [{ match: 'statusCode', status: [200, 201] }] });
    expect(readResponseRules({ status: { $: { matchers: [{ match: 'statusCode', status: 'success' }] } } }).status?.matchers[0]).toMatchObject({
      status: 'success',
    });
  });

  it('reads a V2 map: $.body paths, $.headers names (dotted or quoted), one matcher each', () => {
    const rules = readResponseRules({
      '$.body.items[*].id': { match: 'type' },
      "$.headers['X Id']": { regex: '[a-z]+' },
      '$.headers.Location': { match: 'regex', regex: '/m/\\d+' },
    });
    expect(rules.problems).toEqual([]);
    expect(rules.body).toEqual({ '$.items[*].id': { combine: 'AND', matchers: [{ match: 'type' }] } });
    expect(rules.header['x id']?.matchers).toEqual([{ regex: '[a-z]+', match: 'regex' }]);
    expect(rules.header.location?.matchers[0]).toMatchObject({ match: 'regex' });
  });

  it('names matchers by the aliases the core accepts, or by their only attribute as V2 wrote them', () => {
    expect(readMatcher({ match: 'real' })).toEqual({ match: 'decimal' });
    expect(readMatcher({ match: 'min-type', min: 1 })).toEqual({ match: 'type', min: 1 });
    expect(readMatcher({ match: 'each-key', rules: [] })).toMatchObject({ match: 'eachKey' });
    expect(readMatcher({ match: 'timestamp', timestamp: 'yyyy' })).toMatchObject({ match: 'datetime' });
    expect(readMatcher({ min: 2 })).toEqual({ min: 2, match: 'type' });
    expect(readMatcher({ date: 'yyyy-MM-dd' })).toMatchObject({ match: 'date' });
    expect(readMatcher({ value: 3 })).toMatch(/cannot be told/);
  });

  it('names what it cannot read, and where', () => {
    const rules = readResponseRules({
      body: { '$.a': { matchers: 'type' }, '$.b': { matchers: [7] } },
      status: { '$.x': { matchers: [{ match: 'statusCode' }] } },
    });
    expect(rules.problems).toEqual([
      'matchingRules.body["$.a"]: a rule needs "matchers", a list',
      'matchingRules.body["$.b"] matcher 0: a matcher that is not a JSON object',
      'matchingRules.status["$.x"]: a status rule on a path (the status has none)',
    ]);
  });
});
