import { mockBehaviourSchema } from './behaviour.ts';
import type { MockBehaviour } from './behaviour.ts';
import { interpolateEnv, validateAgainst, YamlSource } from '../util/yamlFile.ts';

/** Reads a mock behaviour file (the same shape as a scenario's `mock:` section). */
export async function readMockBehaviourFile(file: string, env: Record<string, string | undefined>): Promise<MockBehaviour> {
  const source = await YamlSource.read(file);
  const { value, missing } = interpolateEnv(source.data ?? {}, env);
  const problems = missing.map((m) => source.problem(m.path, `\${${m.name}} is not set`));
  return validateAgainst(source, value, mockBehaviourSchema, problems);
}
