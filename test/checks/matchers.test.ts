import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MATCHER_MEANINGS, SUPPORTED_MATCHERS, compileMatcher } from '../../src/checks/matchers.ts';

describe('the matchers the contract checks support', () => {
  it('are the ones docs/contract.md lists, each with a meaning for the report', () => {
    const docs = readFileSync(new URL('../../docs/contract.md', import.meta.url), 'utf8');
    const listed = /<!-- supported-matchers -->([\s\S]*?)<!-- \/supported-matchers -->/.exec(docs)![1]!;
    expect(
      [...listed.matchAll(/`(\w+)`(?! \(with)|`(\w+)` \(with/g)].map((match) => match[1] ?? match[2]).filter((name) => name !== 'min' && name !== 'max'),
    ).toEqual(SUPPORTED_MATCHERS);
    for (const name of SUPPORTED_MATCHERS)
      expect(compileMatcher({ match: name, regex: 'x', value: 'x', variants: [], rules: [] }), name).not.toHaveProperty('problem');
    expect(Object.keys(MATCHER_MEANINGS)).toEqual(SUPPORTED_MATCHERS);
  });

  it('refuses any other matcher, naming it, and contentType saying why', () => {
    for (const name of ['protobufField', 'xmlAttribute']) {
      expect(compileMatcher({ match: name })).toEqual({ problem: expect.stringContaining(`matcher "${name}" is not supported`) });
    }
    expect(compileMatcher({ match: 'contentType', value: 'image/png' })).toEqual({
      problem: expect.stringMatching(/sniffing the bytes with the MIME database/),
    });
  });
});
