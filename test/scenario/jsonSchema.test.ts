import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
});
