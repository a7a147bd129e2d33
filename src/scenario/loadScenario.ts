import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PACT_FILE } from '../pact/pactTerms.ts';
import { ExitCode, UserError } from '../errors.ts';
import { interpolateEnv, validateAgainst, YamlSource } from '../util/yamlFile.ts';
import { scenarioSchema } from './schema.ts';
import type { Scenario } from './schema.ts';

/** Choices made on the command line that override the file. */
export interface ScenarioOverrides {
  /** `mock` or a base URL, replacing `target.url`. */
  target?: string;
  /** Multiplies every phase duration (0.1 runs a tenth as long). */
  durationScale?: number;
  /** Skip TLS certificate verification (`--insecure`), as `target.insecure: true`. */
  insecure?: boolean;
}

/** A validated scenario with every file path made absolute. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

const CREDENTIAL_FIELDS = new Set(['token', 'clientId']);
/** Target settings that go into every request as a header value (and so do `outputs.prometheus.headers`). */
const HEADER_FIELDS = ['token', 'clientId', 'acceptEncoding'] as const;

/**
 * Why a value cannot go into a header, naming the variables it came from and never the value: a
 * control character would break the request (a 400 for every message) or, with CR LF, add a
 * header of its own. A value read from a file (`kubectl create secret --from-file`) often ends
 * with a line break.
 */
function headerValueProblem(value: unknown, written: unknown): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for.
  if (typeof value !== 'string' || !/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  const variables = typeof written === 'string' ? [...written.matchAll(/\$\{(\w+)/g)].map((match) => `\${${match[1]}}`) : [];
  const from = variables.length > 0 ? ` (from ${variables.join(', ')})` : '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
  const trailingBreak = /^[^\u0000-\u001f\u007f]*\r?\n$/.test(value);
  return trailingBreak
    ? `its value${from} ends with a line break, as a value read from a file often does (kubectl create secret --from-file): remove it`
    : `its value${from} holds a control character (a line break, a tab...), which cannot go into a request header`;
}

/**
 * Reads, interpolates and validates a scenario file, reporting every problem at once with its
 * file, line and field. Against the mock, unset credential variables are allowed (the mock's own
 * credentials are used); against a real target they are errors.
 */
export async function loadScenario(file: string, env: Record<string, string | undefined>, overrides: ScenarioOverrides = {}): Promise<LoadedScenario> {
  const source = await YamlSource.read(file);
  const raw = source.data;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${file}: expected a mapping with name, target, users, messages and phases`, { exitCode: ExitCode.badInput });
  }
  const data = structuredClone(raw) as Record<string, unknown>;
  if (overrides.target !== undefined) {
    const target = (data.target && typeof data.target === 'object' ? data.target : {}) as Record<string, unknown>;
    data.target = { ...target, url: overrides.target };
  }
  if (overrides.insecure) data.target = { ...(data.target && typeof data.target === 'object' ? data.target : {}), insecure: true };
  const { value, missing } = interpolateEnv(data, env);
  const interpolated = value as Record<string, unknown>;
  const targetUrl = (interpolated.target as Record<string, unknown> | undefined)?.url;
  const problems: string[] = [];
  const explainedPaths: (string | number)[][] = [];
  for (const variable of missing) {
    const [section, field] = variable.path;
    if (targetUrl === 'mock' && section === 'target' && CREDENTIAL_FIELDS.has(String(field))) {
      delete (interpolated.target as Record<string, unknown>)[String(field)];
      continue;
    }
    problems.push(source.problem(variable.path, `\${${variable.name}} is not set: export ${variable.name}, or write \${${variable.name}:-default}`));
    explainedPaths.push(variable.path);
  }
  const at = (root: unknown, path: readonly string[]) =>
    path.reduce((value: unknown, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), root);
  const outputHeaders = at(interpolated, ['outputs', 'prometheus', 'headers']);
  const headerPaths = [
    ...HEADER_FIELDS.map((field) => ['target', field]),
    ...(outputHeaders && typeof outputHeaders === 'object' ? Object.keys(outputHeaders).map((name) => ['outputs', 'prometheus', 'headers', name]) : []),
  ];
  for (const path of headerPaths) {
    const problem = headerValueProblem(at(interpolated, path), at(raw, path));
    if (problem) {
      problems.push(source.problem(path, problem));
      explainedPaths.push(path);
    }
  }
  const scenario = validateAgainst(source, interpolated, scenarioSchema, problems, explainedPaths);
  return { file, scenario: resolvePaths(scenario, source, overrides.durationScale ?? 1) };
}

function resolvePaths(scenario: Scenario, source: YamlSource, durationScale: number): Scenario {
  const base = dirname(resolve(source.file));
  const problems: string[] = [];
  const fileAt = (path: (string | number)[], relative: string) => {
    const absolute = resolve(base, relative);
    if (!existsSync(absolute)) problems.push(source.problem(path, `no such file: ${absolute}`));
    else if (!statSync(absolute).isFile()) problems.push(source.problem(path, `not a file: ${absolute}`));
    return absolute;
  };
  const resolved: Scenario = {
    ...scenario,
    target: scenario.target.ca === undefined ? scenario.target : { ...scenario.target, ca: fileAt(['target', 'ca'], scenario.target.ca) },
    users: { ...scenario.users, file: fileAt(['users', 'file'], scenario.users.file) },
    messages: 'file' in scenario.messages ? { ...scenario.messages, file: fileAt(['messages', 'file'], scenario.messages.file) } : scenario.messages,
    // Without a pact of its own, a scenario is checked against the harness's pact (npm run contract writes it).
    contract:
      scenario.contract === false
        ? false
        : { ...scenario.contract, pact: scenario.contract.pact === undefined ? PACT_FILE : fileAt(['contract', 'pact'], scenario.contract.pact) },
    phases: scenario.phases.map((phase, i) => {
      if (phase.kind === 'replay') return { ...phase, file: fileAt(['phases', i, 'replay'], phase.file) };
      if (phase.kind === 'search') {
        // Trials scale as phases do; the cooldown is the target's, not the run's.
        const { holdMs, confirmMs, maxDurationMs } = phase.search;
        return {
          ...phase,
          search: { ...phase.search, holdMs: holdMs * durationScale, confirmMs: confirmMs * durationScale, maxDurationMs: maxDurationMs * durationScale },
        };
      }
      return { ...phase, durationMs: phase.durationMs * durationScale };
    }),
  };
  if (problems.length > 0)
    throw new UserError(`${source.file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { exitCode: ExitCode.badInput, problems });
  return resolved;
}
