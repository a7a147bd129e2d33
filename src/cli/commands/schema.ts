import type { CliIo } from '../io.ts';

/** `schema`: the scenario format as JSON Schema, for editors (docs/load-runs.md, "Editor support"). */
export function schemaCommand(io: CliIo) {
  return {
    command: 'schema',
    describe: 'Print the scenario format as JSON Schema (for completion and checks in VS Code, JetBrains and other YAML editors)',
    handler: async () => {
      const { scenarioJsonSchema } = await import('../../scenario/jsonSchema.ts');
      io.stdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    },
  };
}
