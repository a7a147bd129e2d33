import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { remoteWriteUrlSchema } from '../../outputs/outputSchema.ts';
import { parseDocument, stringify } from 'yaml';
import type { Document } from 'yaml';
import { ExitCode, UserError } from '../../errors.ts';
import { CONFIG_MAP_MAX_BYTES, buildManifests } from '../../k8s/manifests.ts';
import { createRunDir, prepareOutDir, writeFileAtomic } from '../../report/writeRun.ts';
import { loadScenario } from '../../scenario/loadScenario.ts';
import { generatorLimitProblems } from '../../scenario/schema.ts';
import { searchRefusal } from '../../search/searchSchema.ts';
import { envReferences } from '../../util/yamlFile.ts';
import type { CliIo } from '../io.ts';
import { parseReadyTimeout, parseShardCount, parseStartAt } from './scaleOptions.ts';
import { newRunToken } from '../../coordinate/runToken.ts';
import type { Manifest } from '../../k8s/manifests.ts';
import { parseTargetOption } from './targetOption.ts';

interface K8sArgs {
  scenario: string;
  shards: number;
  image: string;
  namespace: string;
  out?: string;
  secret: string;
  startAt?: string;
  storageClass?: string;
  filesInImage?: string;
  durationScale?: number;
  target?: string;
  prometheus?: string;
  readyTimeout?: string;
}

/** `k8s`: writes the manifests that run a scenario as N shards on Kubernetes and merge them. */
export function k8sCommand(io: CliIo) {
  return {
    command: 'k8s <scenario>',
    describe: 'Write Kubernetes manifests (validated against the API schema) that run a scenario on N pods, coordinated (or from a start time, merged)',
    builder: (yargs: Argv) =>
      yargs
        .positional('scenario', { type: 'string', demandOption: true })
        .option('shards', { type: 'number', demandOption: true, describe: 'pods, one shard each (one CPU requested per pod)' })
        .option('image', { type: 'string', demandOption: true, describe: 'the harness image (see Dockerfile)' })
        .option('namespace', { type: 'string', default: 'default' })
        .option('out', { type: 'string', describe: 'folder for manifests.yaml (default reports/k8s-<scenario>-<UTC timestamp>/)' })
        .option('secret', {
          type: 'string',
          default: 'logmsg-harness',
          describe: "the Secret you create with the scenario's ${VAR}s (names only go into the manifests)",
        })
        .option('start-at', {
          type: 'string',
          describe: 'instead of a coordinator: UTC time every shard starts its schedule, and a merge Job reading a shared ReadWriteMany claim',
        })
        .option('ready-timeout', { type: 'string', describe: 'how long the coordinator waits for every shard pod to join, e.g. 10m (the default)' })
        .option('storage-class', {
          type: 'string',
          describe: "the results claim's storage class (ReadWriteOnce for the coordinator; ReadWriteMany with --start-at)",
        })
        .option('files-in-image', { type: 'string', describe: "the scenario's path inside the image, when its files are baked in (no ConfigMap)" })
        .option('duration-scale', { type: 'number', describe: 'passed to every shard, e.g. 0.1 for a quick try' })
        .option('prometheus', { type: 'string', describe: 'a remote-write URL every pod pushes live metrics to (docs/live-metrics.md)' })
        .option('target', {
          type: 'string',
          describe: 'the base URL every shard sends to (replaces target.url); "mock" only when you mean a built-in mock in every pod',
        }),
    handler: async (args: K8sArgs) => {
      parseShardCount(args.shards);
      const nowMs = Date.now();
      const startAtEpochMs = parseStartAt(args.startAt, nowMs);
      const readyTimeoutMs = parseReadyTimeout(args.readyTimeout);
      const target = parseTargetOption(args.target);
      if (args.prometheus !== undefined && !remoteWriteUrlSchema.safeParse(args.prometheus).success)
        throw new UserError(
          `--prometheus wants the http(s) URL of a remote-write receiver, e.g. http://prometheus:9090/api/v1/write; got "${args.prometheus}"`,
          {
            exitCode: ExitCode.badInput,
          },
        );
      // Validated as a run against the mock would be: the manifests never hold a credential's value.
      const loaded = await loadScenario(args.scenario, io.env, { target: 'mock' });
      const { scenario } = loaded;
      // A search needs its coordinator to decide the trials: shards from a start time have none.
      if (startAtEpochMs !== undefined && scenario.phases.some((phase) => phase.kind === 'search')) throw searchRefusal('k8s --start-at');
      // Each pod is one shard: the one-process limits hold for its share (its own workers, when the scenario sets a number).
      const tooMuch = generatorLimitProblems(scenario, args.shards * (scenario.workers === 'auto' ? 1 : scenario.workers));
      if (tooMuch.length > 0)
        throw new UserError(`${args.scenario}: more than ${args.shards} shards can send`, { exitCode: ExitCode.badInput, problems: tooMuch });
      // The scenario as written (its ${VAR}s not filled in) is what goes to the cluster.
      const written = parseDocument(await readFile(args.scenario, 'utf8'));
      if (target === undefined && written.getIn(['target', 'url']) === 'mock') {
        throw new UserError(`${args.scenario}: its target is the built-in mock, so every pod would load a mock of its own`, {
          exitCode: ExitCode.badInput,
          problems: ['name your server with --target https://host (the Secret holds its credentials), or --target mock to run the mocks anyway'],
        });
      }
      const variables = envReferences(written.toJS());
      const configFiles = args.filesInImage === undefined ? await configMapFiles(written, scenario) : null;
      if (configFiles) {
        const bytes = Object.values(configFiles).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
        if (bytes > CONFIG_MAP_MAX_BYTES) {
          throw new UserError(`${args.scenario}: the scenario and its files are ${(bytes / 1e6).toFixed(1)} MB, more than a ConfigMap holds (1 MB)`, {
            exitCode: ExitCode.badInput,
            problems: ["bake them into the image (COPY in the Dockerfile) and pass --files-in-image <the scenario's path in the image>"],
          });
        }
      }
      const plannedMs =
        scenario.phases.reduce(
          (sum, phase) =>
            sum +
            (phase.kind === 'rate' || phase.kind === 'connections'
              ? phase.durationMs
              : phase.kind === 'conversations'
                ? phase.durationMs + phase.conversations.gracefulStop
                : 0),
          0,
        ) * (args.durationScale ?? 1);
      const manifests = buildManifests({
        scenarioName: scenario.name,
        shards: args.shards,
        image: args.image,
        namespace: args.namespace,
        coordination:
          startAtEpochMs === undefined
            ? { coordinator: { token: newRunToken(), readyTimeout: `${Math.round(readyTimeoutMs / 1000)}s` } }
            : { startAt: new Date(startAtEpochMs).toISOString(), mergeWaitSec: Math.ceil((startAtEpochMs - nowMs + plannedMs) / 1000) + 600 },
        configFiles,
        scenarioPath: args.filesInImage ?? '/config/scenario.yml',
        secret: { name: args.secret, variables },
        storageClass: args.storageClass ?? null,
        durationScale: args.durationScale ?? null,
        target: target ?? null,
        prometheus: args.prometheus ?? null,
      });
      // Loaded here, not with the CLI: the API schema's validators take about 100 ms to load, which every load run would pay.
      const { validateManifests } = await import('../../k8s/validate.ts');
      const problems = validateManifests(manifests);
      if (problems.length > 0)
        throw new UserError('the manifests do not validate against the Kubernetes API schema', { exitCode: ExitCode.badInput, problems });
      const dir = args.out ? resolve(args.out) : await createRunDir(resolve('reports'), `k8s-${scenario.name}`, new Date(nowMs));
      await prepareOutDir(dir, true);
      const file = join(dir, 'manifests.yaml');
      await writeFileAtomic(file, manifests.map((manifest) => stringify(manifest, { lineWidth: 0 })).join('---\n'));
      io.stdout(
        [
          `${manifests.length} manifests for ${args.shards} shards of ${scenario.name}, valid against the Kubernetes API schema: ${file}`,
          variables.length > 0
            ? `create the Secret first: kubectl -n ${args.namespace} create secret generic ${args.secret} ${variables.map((v) => `--from-literal=${v.name}=...`).join(' ')}`
            : '',
          ...(startAtEpochMs === undefined
            ? [
                `then: kubectl apply -f ${file}; the coordinator starts every shard together once all ${args.shards} pods joined (within ${Math.round(readyTimeoutMs / 1000)} s)`,
                `the verdict: kubectl -n ${args.namespace} logs -f job/${jobName(manifests, 'coordinator')} (files in the claim ${claimOf(manifests)}, run/; manifests.yaml holds the run token: keep it as you keep Secrets)`,
              ]
            : [
                `then: kubectl apply -f ${file}; every shard starts its schedule at ${new Date(startAtEpochMs).toISOString()}`,
                `the verdict: kubectl -n ${args.namespace} logs -f job/${jobName(manifests, 'merge')} (files in the results claim, merged/)`,
              ]),
        ]
          .filter(Boolean)
          .map((line) => `${line}\n`)
          .join(''),
      );
    },
  };
}

/** The scenario (its file paths made flat) and every file it reads, by their names in /config. */
async function configMapFiles(written: Document, scenario: Awaited<ReturnType<typeof loadScenario>>['scenario']): Promise<Record<string, string>> {
  const document = written.clone();
  const files: Record<string, string> = {};
  const add = async (path: (string | number)[], absolute: string) => {
    let name = basename(absolute).replace(/[^-._a-zA-Z0-9]/g, '_');
    while (name in files || name === 'scenario.yml') name = `_${name}`;
    files[name] = await readFile(absolute, 'utf8');
    document.setIn(path, name);
  };
  await add(['users', 'file'], scenario.users.file);
  if ('file' in scenario.messages) await add(['messages', 'file'], scenario.messages.file);
  for (const [i, phase] of scenario.phases.entries()) if (phase.kind === 'replay') await add(['phases', i, 'replay'], phase.file);
  // The pact goes in by name even when the scenario uses the harness's own: the merge must read the same bytes.
  if (scenario.contract !== false) await add(['contract', 'pact'], scenario.contract.pact!);
  if (scenario.target.ca !== undefined) await add(['target', 'ca'], scenario.target.ca);
  return { 'scenario.yml': document.toString(), ...files };
}

function jobName(manifests: readonly Manifest[], suffix: string): string {
  return manifests.find((manifest) => manifest.kind === 'Job' && manifest.metadata.name.endsWith(`-${suffix}`))!.metadata.name;
}

function claimOf(manifests: readonly Manifest[]): string {
  return manifests.find((manifest) => manifest.kind === 'PersistentVolumeClaim')!.metadata.name;
}
