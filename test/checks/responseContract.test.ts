import { describe, expect, it } from 'vitest';
import { PACT_FILE } from '../../src/pact/pactTerms.ts';
import { parsePactResponses, readPactResponses } from '../../src/pact/pactFile.ts';
import { ResponseContract } from '../../src/checks/responseContract.ts';

const contract = ResponseContract.compile(await readPactResponses(PACT_FILE), PACT_FILE);
const json = ['content-type', 'application/json'];
const logged = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ message_id: 42, message_body: 'hi', created_at: '2026-11-24T10:00:00.123Z', message_type: 0, ...fields });

describe('ResponseContract (the committed pact)', () => {
  it('has interactions for 200, 401 and 403', () => {
    expect(contract.statuses).toEqual([200, 401, 403]);
  });

  it('passes answers that honour the pact, extra fields included', () => {
    expect(contract.check(200, json, logged({ extra: true }))).toEqual([]);
    expect(contract.check(200, ['Content-Type', 'application/json; charset=utf-8'], logged())).toEqual([]);
    expect(contract.check(403, json, '{"error_message":"any text: the pact does not pin it"}')).toEqual([]);
    expect(contract.check(401, json, '{"error_message":"invalid authorization details"}')).toEqual([]);
  });

  it('judges a body read from its bytes (members read without parsing) as it judges its parsed text', () => {
    const bodies = [
      logged(),
      logged({ extra: true, nested: { a: [1] } }),
      logged({ message_id: null }),
      logged({ message_id: '42' }),
      logged({ message_id: -7 }),
      logged({ created_at: 'yesterday' }),
      logged({ created_at: '2026-02-30T10:00:00.123Z' }),
      logged({ message_type: 1.5 }),
      logged({ message_type: true }),
      logged({ message_body: 'é 注文 😀' }),
      logged({ message_body: 7 }),
      logged({ message_body: { text: 'hi' } }),
      JSON.stringify({ message_id: 1, message_body: 'hi', message_type: 0 }),
      '{"message_id":1,"message_body":"hi","message_type":0,"created_at":"2026-11-24T10:00:00.123Z","message_id":2}',
      '{"message_id":1.0,"message_body":"hi","message_type":0,"created_at":"2026-11-24T10:00:00.123Z"}',
      '{ "message_id" : 12345678901234567890 , "message_body":"hi","message_type":0,"created_at":"2026-11-24T10:00:00.123Z" }',
      '{}',
      '[]',
      'not json',
      '',
      '{"error_message":"user is not registered"}',
      '{"error_message":null}',
    ];
    for (const status of [200, 401, 403])
      for (const body of bodies) expect(contract.check(status, json, Buffer.from(body)), `${status} ${body}`).toEqual(contract.check(status, json, body));
  });

  it('judges each Content-Type afresh when it changes from answer to answer', async () => {
    const responses = await readPactResponses(PACT_FILE);
    const reused = ResponseContract.compile(responses, PACT_FILE);
    const headerSets = [
      json,
      ['Content-Type', 'text/plain'],
      json,
      [],
      [],
      ['Content-Type', 'application/json', 'content-type', 'text/plain'],
      ['Content-Type', 'application/json', 'content-type', 'text/plain'],
      ['CONTENT-TYPE', 'application/json; charset=utf-8'],
      ['Content-Type', 'application/xml'],
      json,
    ];
    for (const headers of headerSets) {
      const fresh = ResponseContract.compile(responses, PACT_FILE);
      expect(reused.check(200, headers, Buffer.from(logged())), JSON.stringify(headers)).toEqual(fresh.check(200, headers, Buffer.from(logged())));
    }
    expect(reused.check(200, ['Content-Type', 'text/plain'], logged())).toContainEqual(expect.objectContaining({ rule: 'contentType' }));
  });

  it('names the rule, the path, what was expected and what came', () => {
    expect(contract.check(200, json, logged({ message_id: null }))).toEqual([
      { rule: 'integer', path: '$.message_id', expected: 'an integer', actual: 'null' },
    ]);
    expect(contract.check(200, json, logged({ message_id: '42' }))).toEqual([
      { rule: 'integer', path: '$.message_id', expected: 'an integer', actual: '"42"' },
    ]);
    expect(contract.check(200, json, logged({ created_at: 'yesterday' }))).toEqual([
      { rule: 'datetime', path: '$.created_at', expected: "a datetime formatted yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", actual: '"yesterday"' },
    ]);
    expect(contract.check(200, json, logged({ created_at: '2026-02-30T10:00:00.123Z' }))[0]).toMatchObject({ rule: 'datetime' });
    expect(contract.check(200, json, JSON.stringify({ message_id: 1, message_body: 'hi', message_type: 0 }))).toEqual([
      { rule: 'present', path: '$.created_at', expected: 'a string', actual: 'missing' },
    ]);
    expect(contract.check(200, json, logged({ message_type: 1.5 }))).toEqual([
      { rule: 'integer', path: '$.message_type', expected: 'an integer', actual: '1.5' },
    ]);
  });

  it('judges a repeated timestamp as it judged it the first time', () => {
    const texts = [
      '2026-11-24T10:00:00.123Z',
      '2026-11-24T10:00:00.123Z',
      '2026-02-30T10:00:00.123Z',
      '2026-02-30T10:00:00.123Z',
      '2026-11-24T10:00:00.123Z',
      'yesterday',
    ];
    expect(texts.map((created_at) => contract.check(200, json, logged({ created_at })).length)).toEqual([0, 0, 1, 1, 0, 1]);
  });

  it('catches an HTML error page served with a 200: the header and the kind of body, as the reference does', () => {
    expect(contract.check(200, ['content-type', 'text/html'], '<html><body>Bad gateway</body></html>')).toEqual([
      { rule: 'regex', path: 'header Content-Type', expected: 'a value matching /^application/json(;.*)?$/', actual: 'text/html' },
      { rule: 'contentType', path: '$', expected: 'a body of type application/json', actual: 'text/html' },
    ]);
    expect(contract.check(200, [], logged())).toEqual([{ rule: 'present', path: 'header Content-Type', expected: 'application/json', actual: 'missing' }]);
    expect(contract.check(200, json, 'Bad gateway')).toEqual([{ rule: 'json', path: '$', expected: 'a JSON body', actual: 'Bad gateway' }]);
  });

  it('reads header lines as the engine hands them on: any case, other headers around, repeated lines as values of one header', () => {
    expect(contract.check(200, ['Date', 'Mon', 'Content-Type', 'application/json; charset=utf-8'], logged())).toEqual([]);
    expect(contract.check(200, ['X-Other', 'application/json'], logged())).toEqual([
      { rule: 'present', path: 'header Content-Type', expected: 'application/json', actual: 'missing' },
    ]);
    // Two Content-Type lines, whatever their case, are two values of one header: each is judged.
    expect(contract.check(200, ['Content-Type', 'application/json', 'content-type', 'text/html'], logged())).toEqual([
      { rule: 'regex', path: 'header Content-Type', expected: 'a value matching /^application/json(;.*)?$/', actual: 'text/html' },
    ]);
  });

  it('has no interaction for other statuses', () => {
    expect(contract.check(503, json, '{}')).toBe('noInteraction');
  });
});

function v3Pact(response: object): string {
  return JSON.stringify({ metadata: { pactSpecification: { version: '3.0.0' } }, interactions: [{ description: 'thing', response }] });
}

describe('pact files', () => {
  it('reads V3 pacts: bodies written directly, rules on arrays cascade by type to every element', () => {
    const responses = parsePactResponses(
      v3Pact({
        status: 200,
        body: { items: [{ id: 1, tags: ['a'] }], version: '1.2.3' },
        matchingRules: {
          body: {
            '$.items': { matchers: [{ match: 'type', min: 1 }] },
            '$.items[*].id': { matchers: [{ match: 'integer' }] },
            '$.version': { matchers: [{ match: 'semver' }] },
          },
        },
      }),
      'v3.json',
    );
    const v3 = ResponseContract.compile(responses, 'v3.json');
    expect(
      v3.check(
        200,
        [],
        JSON.stringify({
          items: [
            { id: 1, tags: [] },
            { id: 2, tags: ['x', 'y'] },
          ],
          version: '2.0.0',
        }),
      ),
    ).toEqual([]);
    expect(
      v3.check(
        200,
        [],
        JSON.stringify({
          items: [
            { id: 1, tags: [] },
            { id: 'two', tags: 7 },
          ],
          version: 'v2',
        }),
      ),
    ).toEqual([
      { rule: 'integer', path: '$.items[1].id', expected: 'an integer', actual: '"two"' },
      { rule: 'type', path: '$.items[1].tags', expected: 'an array', actual: '7' },
      { rule: 'semver', path: '$.version', expected: 'a semantic version', actual: '"v2"' },
    ]);
    expect(v3.check(200, [], JSON.stringify({ items: [], version: '1.0.0' }))).toEqual([
      { rule: 'type', path: '$.items', expected: 'at least 1 items', actual: '[]' },
    ]);
  });

  it('matches arrays without a type rule item by item, and lets a rule on one index outrank [*]', () => {
    const responses = parsePactResponses(
      v3Pact({
        status: 200,
        body: { pair: [1, 'b'], rows: [{ n: 1 }, { n: 2 }, { n: 3 }], nested: [[{ at: 'x' }]] },
        matchingRules: {
          body: {
            '$.rows[*].n': { matchers: [{ match: 'integer' }] },
            '$.rows[1].n': { matchers: [{ match: 'null' }] },
            '$.nested': { matchers: [{ match: 'type' }] },
          },
        },
      }),
      'arrays.json',
    );
    const arrays = ResponseContract.compile(responses, 'arrays.json');
    const nested = [[{ at: 'y' }, { at: 'z' }], [{ at: 'w' }]];
    expect(arrays.check(200, [], JSON.stringify({ pair: [1, 'b'], rows: [{ n: 7 }, { n: null }, { n: 9 }], nested }))).toEqual([]);
    expect(arrays.check(200, [], JSON.stringify({ pair: [1, 'c', 3], rows: [{ n: 7 }, { n: 8 }], nested: [[{ at: 5 }], 'flat'] }))).toEqual([
      { rule: 'equality', path: '$.pair[1]', expected: '"b"', actual: '"c"' },
      { rule: 'equality', path: '$.pair', expected: 'a list of 2 items', actual: '3 items' },
      { rule: 'null', path: '$.rows[1].n', expected: 'null', actual: '8' },
      { rule: 'present', path: '$.rows[2]', expected: '{"n":3}', actual: 'missing' },
      { rule: 'equality', path: '$.rows', expected: 'a list of 3 items', actual: '2 items' },
      { rule: 'type', path: '$.nested[0][0].at', expected: 'a value of type string', actual: '5' },
      { rule: 'type', path: '$.nested[1]', expected: 'an array', actual: '"flat"' },
    ]);
    expect(arrays.check(200, [], JSON.stringify({ pair: { 0: 1 }, rows: [{ n: 'x' }, { n: null }, {}], nested: [] }))).toEqual([
      { rule: 'type', path: '$.pair', expected: 'an array', actual: '{"0":1}' },
      { rule: 'integer', path: '$.rows[0].n', expected: 'an integer', actual: '"x"' },
      { rule: 'present', path: '$.rows[2].n', expected: 'an integer', actual: 'missing' },
    ]);
    // Past the first 1,024 items, item checks are compiled for each use and not kept.
    const long = Array.from({ length: 1100 }, (_, i) => ({ at: i === 1050 ? 1 : 'q' }));
    for (let round = 0; round < 2; round++) {
      expect(arrays.check(200, [], JSON.stringify({ pair: [1, 'b'], rows: [{ n: 7 }, { n: null }, { n: 9 }], nested: [long] }))).toEqual([
        { rule: 'type', path: '$.nested[0][1050].at', expected: 'a value of type string', actual: '1' },
      ]);
    }
  });

  it('matches values without rules exactly, and combines matchers with OR', () => {
    const responses = parsePactResponses(
      v3Pact({
        status: 200,
        body: { kind: 'note', size: 3 },
        matchingRules: { body: { '$.size': { combine: 'OR', matchers: [{ match: 'null' }, { match: 'integer' }] } } },
      }),
      'v3.json',
    );
    const pact = ResponseContract.compile(responses, 'v3.json');
    expect(pact.check(200, [], '{"kind":"note","size":null}')).toEqual([]);
    expect(pact.check(200, [], '{"kind":"memo","size":"big"}')).toEqual([
      { rule: 'equality', path: '$.kind', expected: '"note"', actual: '"memo"' },
      { rule: 'null|integer', path: '$.size', expected: 'null or an integer', actual: '"big"' },
    ]);
  });

  it('refuses, all at once, rules it cannot check and pacts it cannot read', () => {
    const responses = parsePactResponses(
      v3Pact({
        status: 200,
        body: { a: 1 },
        matchingRules: { body: { '$.a': { matchers: [{ match: 'protobufField' }] }, 'a.b': { matchers: [{ match: 'type' }] } } },
      }),
      'odd.json',
    );
    expect(() => ResponseContract.compile(responses, 'odd.json')).toThrow(
      expect.objectContaining({
        message: 'the pact odd.json uses constructs this harness does not check',
        problems: [
          expect.stringMatching(/^interaction "thing": matcher "protobufField" is not supported/),
          'interaction "thing": rule path "a.b" is not a JSON path this harness reads',
        ],
      }),
    );
    // A file that is not JSON is named, its content never echoed (it may be anything, a token say).
    expect(() => parsePactResponses('Bearer s3cr3t-token and more', 'notes.txt')).toThrow(
      expect.objectContaining({ message: 'the pact notes.txt is not JSON' }),
    );
    expect(() => parsePactResponses('{"metadata":{"pactSpecification":{"version":"5.0.0"}},"interactions":[]}', 'new.json')).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([expect.stringMatching(/^interactions: /), expect.stringMatching(/a pact specification from 1 to 4/)]),
      }),
    );
  });
});
