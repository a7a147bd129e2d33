import type { cliTestFolder } from '../fixtures/cliScenario.ts';
import { writeCliScenario } from '../fixtures/cliScenario.ts';

/** The credentials every search test's target takes. */
export const searchEnv = { HAPTIK_TOKEN: 'search-token', HAPTIK_CLIENT_ID: 'search-client' };

/** Writes a scenario whose only phase is a search with these settings (YAML flow mapping entries). */
export const searchScenarioIn =
  (files: ReturnType<typeof cliTestFolder>) =>
  (name: string, search: string, extra = ''): string =>
    writeCliScenario(files, name, `  - name: find\n    search: { ${search} }`, extra);
