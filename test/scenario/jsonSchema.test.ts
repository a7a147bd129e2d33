import { readFileSync, readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioJsonSchema, schemaProperties } from '../../src/scenario/jsonSchema.ts';
import { FIELD_DOCS } from '../../src/scenario/schemaDocs.ts';

describe('the editor schema', () => {
  const schema = scenarioJsonSchema();

  it('is the one in the repository: regenerate it with npm run -s harness -- schema > scenarios/scenario.schema.json', () => {
    expect(JSON.parse(readFileSync('scenarios/scenario.schema.json', 'utf8'))).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it('says what every field is for, with an example; and documents no field the format does not have', () => {
    const properties = schemaProperties(schema);
    expect(properties.size).toBeGreaterThan(100);
    const undocumented = [...properties].filter(([, nodes]) => nodes.some((node) => !node.description || !node.examples)).map(([path]) => path);
    expect(undocumented).toEqual([]);
    expect(Object.keys(FIELD_DOCS).filter((path) => !properties.has(path))).toEqual([]);
    expect(properties.get('phases[].conversations.thinkTime.lognormal.p99')![0]).toMatchObject({
      description: '99% of the think times are shorter',
      examples: ['20s'],
    });
  });

  it('is what every shipped scenario points its editor at', () => {
    for (const file of readdirSync('scenarios').filter((name) => name.endsWith('.yml'))) {
      expect(readFileSync(`scenarios/${file}`, 'utf8').split('\n')[0], file).toBe('# yaml-language-server: $schema=./scenario.schema.json');
    }
  });

  // Ajv, a maintained JSON Schema validator, as an editor's YAML extension would check a file.
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync('scenarios/scenario.schema.json', 'utf8')));

  it('accepts every shipped scenario', () => {
    for (const file of readdirSync('scenarios').filter((name) => name.endsWith('.yml'))) {
      const valid = validate(parse(readFileSync(`scenarios/${file}`, 'utf8')));
      expect(validate.errors ?? [], file).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it.each([
    ['a misspelt key', (s: Record<string, unknown>) => ({ ...s, phases: [{ name: 'a', duration: '2s', rte: 10 }] }), /must NOT have additional properties|rte/],
    [
      'a missing users',
      (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([key]) => key !== 'users')),
      /must have required property 'users'/,
    ],
    ['a space in a threshold value', (s: Record<string, unknown>) => ({ ...s, thresholds: ['p99 < 10 ms'] }), /must match pattern/],
    ['an unknown metric', (s: Record<string, unknown>) => ({ ...s, thresholds: ['p98 < 5ms'] }), /must match pattern/],
    [
      'an unknown connection mode',
      (s: Record<string, unknown>) => ({
        ...s,
        phases: [{ name: 'c', duration: '2s', conversations: { rate: 1, messages: 2, thinkTime: '1s', connection: 'shared' } }],
      }),
      /must be equal to one of the allowed values/,
    ],
  ])('rejects %s, as the scenario check does', (_name, edit, message) => {
    const peak = parse(readFileSync('scenarios/peak.yml', 'utf8')) as Record<string, unknown>;
    expect(validate(edit(peak))).toBe(false);
    expect(JSON.stringify(validate.errors)).toMatch(message);
  });
});
