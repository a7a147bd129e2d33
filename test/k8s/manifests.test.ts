import { execFileSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildManifests } from '../../src/k8s/manifests.ts';
import type { Manifest, ManifestInput } from '../../src/k8s/manifests.ts';
import { validateManifests } from '../../src/k8s/validate.ts';
import { readRunResult } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { tempDir } from '../fixtures/tempFiles.ts';
import { startHonestProvider } from '../fixtures/honestProvider.ts';
import { PREFLIGHT_MESSAGE } from '../../src/run/preflight.ts';
import { freePort } from '../fixtures/servers.ts';

/** A server name for manifests that are only written, never run. */
const SERVER = 'https://logmsg.example.com';
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

const INPUT: ManifestInput = {
  scenarioName: 'peak',
  shards: 4,
  image: 'registry.example/logmsg-harness:0.1.0',
  namespace: 'load',
  coordination: { startAt: '2026-12-01T09:00:00.000Z', mergeWaitSec: 900 },
  configFiles: { 'scenario.yml': 'name: peak\n', 'users.csv': 'auth_id\nu1\n' },
  scenarioPath: '/config/scenario.yml',
  secret: {
    name: 'harness-credentials',
    variables: [
      { name: 'HAPTIK_TOKEN', hasDefault: false },
      { name: 'RATE', hasDefault: true },
    ],
  },
  storageClass: 'nfs',
  durationScale: null,
  target: 'https://logmsg.example.com/haptik',
  prometheus: null,
};

/** A manifest, to read fields by path in tests (manifests are plain JSON data). */
const byKind = (manifests: readonly unknown[], kind: string, suffix = '') =>
  manifests.find((m) => (m as Manifest).kind === kind && (m as Manifest).metadata.name.endsWith(suffix)) as Manifest;
/** A field of a manifest by its path (manifests are plain JSON data). */
const field = (value: unknown, path: string): unknown =>
  path.split('.').reduce((item: unknown, key) => (item as Record<string, unknown> | undefined)?.[key], value);

describe('buildManifests with a coordinator (the default)', () => {
  const manifests = buildManifests({ ...INPUT, coordination: { coordinator: { token: 'generated-run-token-0123456789', readyTimeout: '600s' } } });

  it('writes a coordinator Job and its Service, the run token in a Secret, and a claim any storage class offers', () => {
    expect(manifests.map((m) => `${m.kind} ${m.metadata.name}`)).toEqual([
      'ConfigMap logmsg-peak-files',
      'PersistentVolumeClaim logmsg-peak-results',
      'Secret logmsg-peak-run-token',
      'Service logmsg-peak-coordinator',
      'Job logmsg-peak-coordinator',
      'Job logmsg-peak-shards',
    ]);
    expect(validateManifests(manifests)).toEqual([]);
    expect(field(byKind(manifests, 'PersistentVolumeClaim'), 'spec.accessModes')).toEqual(['ReadWriteOnce']);
    // The Service reaches the coordinator's pod, on the port it listens on.
    const service = byKind(manifests, 'Service');
    const coordinatorPod = field(byKind(manifests, 'Job', 'coordinator'), 'spec.template');
    expect(field(coordinatorPod, 'metadata.labels')).toMatchObject(field(service, 'spec.selector') as object);
    expect(field(service, 'spec.ports.0.port')).toBe(7070);
    expect(field(coordinatorPod, 'spec.containers.0.ports.0.containerPort')).toBe(7070);
    expect(field(coordinatorPod, 'spec.containers.0.command.2')).toContain(
      'coordinate /config/scenario.yml --target https://logmsg.example.com/haptik --shards 4 --host 0.0.0.0 --port 7070',
    );
  });

  it('points every shard at the Service: no start time, no shared claim', () => {
    const shards = byKind(manifests, 'Job', 'shards');
    const command = field(shards, 'spec.template.spec.containers.0.command.2') as string;
    expect(command).toContain('--shard 4 --coordinator http://logmsg-peak-coordinator.load.svc:7070 --ready-timeout 600s');
    expect(command).not.toContain('--start-at');
    expect(field(shards, 'spec.template.spec.volumes')).toContainEqual({ name: 'results', emptyDir: {} });
    expect(JSON.stringify(field(shards, 'spec.template.spec.volumes'))).not.toContain('persistentVolumeClaim');
    // The token reaches both sides from the Secret, by name.
    for (const suffix of ['shards', 'coordinator']) {
      expect(field(byKind(manifests, 'Job', suffix), 'spec.template.spec.containers.0.env')).toContainEqual({
        name: 'HARNESS_RUN_TOKEN',
        valueFrom: { secretKeyRef: { name: 'logmsg-peak-run-token', key: 'HARNESS_RUN_TOKEN' } },
      });
    }
  });
});

describe('buildManifests with --start-at', () => {
  const manifests = buildManifests(INPUT);

  it('writes manifests the Kubernetes API schema accepts', () => {
    expect(manifests.map((m) => `${m.kind} ${m.metadata.name}`)).toEqual([
      'ConfigMap logmsg-peak-files',
      'PersistentVolumeClaim logmsg-peak-results',
      'Job logmsg-peak-shards',
      'Job logmsg-peak-merge',
    ]);
    expect(validateManifests(manifests)).toEqual([]);
  });

  it('makes every pod push live metrics with --prometheus, the URL quoted for the shell', () => {
    const url = "http://prometheus.monitoring:9090/api/v1/write?tenant=a&b='c'";
    const job = byKind(buildManifests({ ...INPUT, prometheus: url }), 'Job', 'shards');
    const command = field(job, 'spec.template.spec.containers.0.command.2') as string;
    // What the pod's shell hands the CLI: the URL exactly as given.
    const quoted = command.slice(command.indexOf('--output ') + '--output '.length);
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${quoted}`], { encoding: 'utf8' })).toBe(`prometheus=${url}`);
    expect(field(byKind(manifests, 'Job', 'shards'), 'spec.template.spec.containers.0.command.2')).not.toContain('--output');
  });

  it('the validator is the API schema: it rejects what Kubernetes would', () => {
    const job = byKind(manifests, 'Job', 'shards');
    const broken = { ...job, spec: { ...(job.spec as object), completionMode: 'Indexd', parallelism: 'four' } };
    const problems = validateManifests([broken]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Job logmsg-peak-shards: .*(completionMode|parallelism)/);
  });

  it('runs shard i of N in pod i of an Indexed Job, one CPU each, from a common start', () => {
    const job = byKind(manifests, 'Job', 'shards');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimit: 0 });
    const container = field(job, 'spec.template.spec.containers.0');
    expect(field(container, 'resources.requests.cpu')).toBe('1');
    expect(field(container, 'command.2')).toContain('--shard 4 --start-at 2026-12-01T09:00:00.000Z --out /results/shard-$JOB_COMPLETION_INDEX');
  });

  it('runs node itself as the process of each pod (exec, no npm between), sending to the target named', () => {
    for (const suffix of ['shards', 'merge']) {
      const command = field(byKind(manifests, 'Job', suffix), 'spec.template.spec.containers.0.command.2') as string;
      expect(command).toMatch(/(^|; )exec node --import tsx \/app\/src\/cli\/main\.ts (load|merge) /);
      expect(command).not.toContain('npm');
    }
    expect(field(byKind(manifests, 'Job', 'shards'), 'spec.template.spec.containers.0.command.2')).toContain(
      'load /config/scenario.yml --target https://logmsg.example.com/haptik --shard 4',
    );
  });

  it('takes credentials from the Secret by name only', () => {
    const env = field(byKind(manifests, 'Job', 'shards'), 'spec.template.spec.containers.0.env');
    expect(env).toContainEqual({ name: 'HAPTIK_TOKEN', valueFrom: { secretKeyRef: { name: 'harness-credentials', key: 'HAPTIK_TOKEN' } } });
    expect(env).toContainEqual({ name: 'RATE', valueFrom: { secretKeyRef: { name: 'harness-credentials', key: 'RATE', optional: true } } });
    expect(env).toContainEqual({ name: 'PACT_DO_NOT_TRACK', value: 'true' });
  });
});

describe('npm run k8s, and the Jobs it writes simulated with local processes', () => {
  let files: ReturnType<typeof tempDir>;
  beforeAll(() => {
    files = tempDir();
    files.write('users.csv', `auth_id\n${Array.from({ length: 50 }, (_, i) => `u${i}`).join('\n')}\n`);
    files.write('messages.csv', 'message_body\nhello\r\nनमस्ते 🙏\r\n"a, quoted one"\n');
    files.write(
      'scenario.yml',
      `name: k8s-try
target: { url: mock, token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}" }
users: { file: users.csv }
messages: { file: messages.csv }
phases:
  - { name: steady, duration: 2s, rate: 60 }
`,
    );
  });
  afterAll(() => files.cleanup());

  /** `npm run k8s` on a scenario of the test folder, for `shards` pods, writing into `out` there. */
  const k8s = (scenario: string, shards: number, extra: string[], out: string, env: Record<string, string> = {}) =>
    runCliProcess(['k8s', join(files.dir, scenario), '--shards', String(shards), '--image', 'img:1', ...extra, '--out', join(files.dir, out)], { env });

  it('never writes a credential value, and refuses files a ConfigMap cannot hold', async () => {
    const out = join(files.dir, 'manifests');
    const run = await k8s('scenario.yml', 2, ['--target', SERVER], 'manifests', {
      HAPTIK_TOKEN: 'supersecret-token-value',
      HAPTIK_CLIENT_ID: 'client-id-value',
    });
    expect(run.exitCode).toBe(0);
    const text = readFileSync(join(out, 'manifests.yaml'), 'utf8');
    expect(text).not.toContain('supersecret-token-value');
    expect(text).not.toContain('client-id-value');
    expect(run.stdout).toContain('create secret generic logmsg-harness --from-literal=HAPTIK_TOKEN=... --from-literal=HAPTIK_CLIENT_ID=...');

    files.write('big.csv', `auth_id\n${Array.from({ length: 120_000 }, (_, i) => `user-${i}`).join('\n')}\n`);
    files.write('big.yml', readFileSync(join(files.dir, 'scenario.yml'), 'utf8').replace('file: users.csv', 'file: big.csv'));
    const big = await k8s('big.yml', 2, ['--target', SERVER], 'big');
    expect(big.exitCode).toBe(2);
    expect(big.stderr).toContain('more than a ConfigMap holds (1 MB)');
    expect(big.stderr).toContain('--files-in-image');
  });

  it('refuses a scenario whose target is the mock unless --target names the server (or says mock)', async () => {
    const refused = await k8s('scenario.yml', 2, [], 'm1');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/its target is the built-in mock, so every pod would load a mock of its own\n {2}- name your server with --target/);
    const mocks = await k8s('scenario.yml', 2, ['--target', 'mock'], 'm2');
    expect(mocks.exitCode).toBe(0);
  });

  it('runs as the Jobs would: the coordinator and 3 pods with JOB_COMPLETION_INDEX sending to --target, into one result', async () => {
    const provider = await startHonestProvider();
    const received: string[] = [];
    provider.onRequest((body) => received.push(body));
    const out = join(files.dir, 'sim');
    const made = await k8s('scenario.yml', 3, ['--target', provider.url, '--ready-timeout', '60s'], 'sim');
    expect(made.exitCode).toBe(0);
    expect(made.stdout).toContain('the coordinator starts every shard together once all 3 pods joined');
    const manifests = parseAllDocuments(readFileSync(join(out, 'manifests.yaml'), 'utf8')).map((doc) => doc.toJS() as unknown);
    // The ConfigMap's files, as the pod would see them mounted at /config.
    const config = join(files.dir, 'config');
    const results = join(files.dir, 'results');
    mkdirSync(config);
    mkdirSync(results);
    for (const [name, text] of Object.entries(byKind(manifests, 'ConfigMap').data as Record<string, string>)) writeFileSync(join(config, name), text);
    // Paths in the image (/app, the claim, the ConfigMap) as they are on this machine; the Service
    // and every interface as this machine's loopback, on a free port.
    const port = String(await freePort());
    const command = (suffix: string, resultsDir: string) =>
      (field(byKind(manifests, 'Job', suffix), 'spec.template.spec.containers.0.command.2') as string)
        .replaceAll('/app/', `${PROJECT_ROOT}/`)
        .replaceAll('/config', config)
        .replaceAll('/results', resultsDir)
        .replace('--host 0.0.0.0', '--host 127.0.0.1')
        .replace(/logmsg-k8s-try-coordinator\.default\.svc:7070/, `127.0.0.1:${port}`)
        .replace('--port 7070', `--port ${port}`);
    // The Secrets' values, as the pod's env would hold them.
    const runToken = (byKind(manifests, 'Secret').stringData as Record<string, string>).HARNESS_RUN_TOKEN!;
    expect(runToken.length).toBeGreaterThanOrEqual(32);
    const secret = { HAPTIK_TOKEN: 'k8s-token', HAPTIK_CLIENT_ID: 'k8s-client', HARNESS_RUN_TOKEN: runToken };
    try {
      const coordinator = sh(command('coordinator', results), secret);
      // Each pod has scratch space of its own for /results.
      const shardRuns = await Promise.all(
        [0, 1, 2].map((i) => sh(command('shards', join(files.dir, `pod-${i}`)), { ...secret, JOB_COMPLETION_INDEX: String(i) })),
      );
      const coordinated = await coordinator;
      for (const run of shardRuns) expect(run.code, `${run.output}\ncoordinator:\n${coordinated.output}`).toBe(0);
      expect(coordinated.code, coordinated.output).toBe(0);
      const result = readRunResult(join(results, 'run'));
      expect(result.overall.requests.scheduled).toBe(120);
      expect(result.overall.requests.sent).toBe(120);
      // Every request reached the server named, and preflight's only once: from the coordinator.
      expect(received.filter((body) => !body.includes(PREFLIGHT_MESSAGE))).toHaveLength(120);
      expect(received.filter((body) => body.includes(PREFLIGHT_MESSAGE))).toHaveLength(result.preflight.length);
      expect(result.target).toMatchObject({ url: `${provider.url}/`, mock: false });
      expect(result.generators?.rows.map((row) => row.label)).toEqual(['shard 0/3', 'shard 1/3', 'shard 2/3']);
      expect(result.passed).toBe(true);
    } finally {
      await provider.close();
    }
  }, 120_000);
});

function sh(command: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}
