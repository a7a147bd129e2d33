// Kubernetes manifests for a run split over pods: an Indexed Job whose pod i runs shard i of N
// (JOB_COMPLETION_INDEX), and the scenario's files in a ConfigMap. By default the shards join a
// coordinator Job through its Service (a generated run token in a Secret), which starts them
// together and writes the result to a claim of its own (ReadWriteOnce). With a start time instead,
// the shards start at it and a merge Job reads their files from a shared ReadWriteMany claim.
// Pure: the command reads files and writes YAML.

/** What the manifests are built from. */
export interface ManifestInput {
  /** Names the objects (a DNS label): logmsg-<scenario>. */
  scenarioName: string;
  shards: number;
  image: string;
  namespace: string;
  /**
   * How the shards meet: a coordinator (the run token it and every shard prove they hold, how long
   * it waits for every shard), or a start time and a merge that waits for every shard.json.
   */
  coordination: { coordinator: { token: string; readyTimeout: string } } | { startAt: string; mergeWaitSec: number };
  /** Files for /config (file name -> text), or null when they are in the image at `scenarioPath`. */
  configFiles: Record<string, string> | null;
  /** The scenario's path in the container. */
  scenarioPath: string;
  /** The Secret holding the scenario's ${VAR}s, and which of them it must have (no default in the scenario). */
  secret: { name: string; variables: { name: string; hasDefault: boolean }[] };
  storageClass: string | null;
  durationScale: number | null;
  /** Where every shard sends (--target), or null to use the scenario's own URL (a real one: never the built-in mock unless asked). */
  target: string | null;
  /** A remote-write URL every pod pushes its live metrics to (--prometheus), or null. */
  prometheus: string | null;
}

/** ConfigMaps (like every object) must stay under etcd's 1 MiB; some room is left for the rest of the object. */
export const CONFIG_MAP_MAX_BYTES = 1_000_000;

export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace: string } };

const CONFIG_DIR = '/config';
const RESULTS_DIR = '/results';
/**
 * The harness's CLI in the image (WORKDIR /app), run by node itself: `exec` makes it the
 * container's PID 1, so the SIGTERM of a deleted pod reaches it and the partial result is written
 * (npm in between would die and leave node to run on, or be killed, without results).
 */
export const IMAGE_CLI = 'node --import tsx /app/src/cli/main.ts';

/** The coordinator's port, in its pod and on its Service. */
export const COORDINATOR_PORT = 7070;

export function buildManifests(input: ManifestInput): Manifest[] {
  const base = `logmsg-${input.scenarioName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 50).replace(/-+$/, '');
  const labels = { 'app.kubernetes.io/name': 'logmsg-harness', 'app.kubernetes.io/instance': base };
  const metadata = (name: string) => ({ name, namespace: input.namespace, labels });
  const claimName = `${base}-results`;
  const configMapName = `${base}-files`;
  const tokenSecretName = `${base}-run-token`;
  const coordinated = 'coordinator' in input.coordination;
  const env = [
    // Pact's native core reports usage to its makers unless told not to.
    { name: 'PACT_DO_NOT_TRACK', value: 'true' },
    ...(coordinated ? [{ name: 'HARNESS_RUN_TOKEN', valueFrom: { secretKeyRef: { name: tokenSecretName, key: 'HARNESS_RUN_TOKEN' } } }] : []),
    ...input.secret.variables.map(({ name, hasDefault }) => ({
      name,
      valueFrom: { secretKeyRef: { name: input.secret.name, key: name, ...(hasDefault ? { optional: true } : {}) } },
    })),
  ];
  const configVolume = input.configFiles ? [{ name: 'config', configMap: { name: configMapName } }] : [];
  const configMount = input.configFiles ? [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }] : [];
  const scale = input.durationScale === null ? '' : ` --duration-scale ${input.durationScale}`;
  /** A pod running `command`; `results` is what /results is: the claim, or the pod's own scratch space. */
  const podSpec = (command: string, cpu: string, results: 'claim' | 'scratch', ports: { containerPort: number }[] = []) => ({
    restartPolicy: 'Never',
    // The image runs as its `node` user (uid 1000); fsGroup lets it write to the results claim.
    securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
    containers: [
      {
        name: 'harness',
        image: input.image,
        command: ['sh', '-c', command],
        env,
        resources: { requests: { cpu, memory: '1Gi' }, limits: { memory: '2Gi' } },
        volumeMounts: [...configMount, { name: 'results', mountPath: RESULTS_DIR }],
        ...(ports.length > 0 ? { ports } : {}),
      },
    ],
    volumes: [...configVolume, results === 'claim' ? { name: 'results', persistentVolumeClaim: { claimName } } : { name: 'results', emptyDir: {} }],
  });
  // JOB_COMPLETION_INDEX is set by Kubernetes in every pod of an Indexed Job: `--shard N` reads it.
  const target = input.target === null ? '' : ` --target ${input.target}`;
  // Quoted for the shell: a URL may hold & or ?. Every pod gets the same run_id (the coordinator's, or derived from --start-at).
  const prometheus = input.prometheus === null ? '' : ` --output '${`prometheus=${input.prometheus}`.replaceAll("'", "'\\''")}'`;
  const meeting =
    'coordinator' in input.coordination
      ? ` --coordinator http://${base}-coordinator.${input.namespace}.svc:${COORDINATOR_PORT} --ready-timeout ${input.coordination.coordinator.readyTimeout}`
      : ` --start-at ${input.coordination.startAt}`;
  const shardCommand = `exec ${IMAGE_CLI} load ${input.scenarioPath}${target} --shard ${input.shards}${meeting} --out ${RESULTS_DIR}/shard-$JOB_COMPLETION_INDEX --force --quiet${scale}${prometheus}`;
  const manifests: Manifest[] = [];
  if (input.configFiles) manifests.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configMapName), data: input.configFiles });
  manifests.push({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(claimName),
    spec: {
      // Coordinated, only the coordinator's pod writes it: any default storage class will do.
      // Otherwise every shard pod and the merge write and read it at once: it needs ReadWriteMany storage.
      accessModes: [coordinated ? 'ReadWriteOnce' : 'ReadWriteMany'],
      resources: { requests: { storage: '1Gi' } },
      ...(input.storageClass ? { storageClassName: input.storageClass } : {}),
    },
  });
  if ('coordinator' in input.coordination) {
    const coordinatorLabels = { ...labels, 'app.kubernetes.io/component': 'coordinator' };
    manifests.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: metadata(tokenSecretName),
      type: 'Opaque',
      stringData: { HARNESS_RUN_TOKEN: input.coordination.coordinator.token },
    });
    manifests.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(`${base}-coordinator`),
      spec: { selector: coordinatorLabels, ports: [{ name: 'coordinator', port: COORDINATOR_PORT, targetPort: COORDINATOR_PORT }] },
    });
    // The coordinator checks the target once: it needs the scenario's credentials and --target too.
    const coordinatorCommand = `exec ${IMAGE_CLI} coordinate ${input.scenarioPath}${target} --shards ${input.shards} --host 0.0.0.0 --port ${COORDINATOR_PORT} --ready-timeout ${input.coordination.coordinator.readyTimeout} --out ${RESULTS_DIR}/run --force${scale}`;
    manifests.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata(`${base}-coordinator`),
      spec: {
        backoffLimit: 0,
        template: { metadata: { labels: coordinatorLabels }, spec: podSpec(coordinatorCommand, '500m', 'claim', [{ containerPort: COORDINATOR_PORT }]) },
      },
    });
  }
  manifests.push({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(`${base}-shards`),
    spec: {
      completionMode: 'Indexed',
      completions: input.shards,
      parallelism: input.shards,
      // A retried shard would send its share of the load twice.
      backoffLimit: 0,
      template: { metadata: { labels }, spec: podSpec(shardCommand, '1', coordinated ? 'scratch' : 'claim') },
    },
  });
  if ('startAt' in input.coordination) {
    const { mergeWaitSec } = input.coordination;
    const waitForShards = `for i in $(seq 0 ${input.shards - 1}); do n=0; until [ -f ${RESULTS_DIR}/shard-$i/shard.json ]; do n=$((n+5)); if [ $n -gt ${mergeWaitSec} ]; then echo "shard $i/${input.shards} wrote no shard.json in ${mergeWaitSec} s" >&2; exit 2; fi; sleep 5; done; done`;
    const shardDirs = Array.from({ length: input.shards }, (_, i) => `${RESULTS_DIR}/shard-${i}`).join(' ');
    const mergeCommand = `${waitForShards}; exec ${IMAGE_CLI} merge ${shardDirs} --scenario ${input.scenarioPath} --out ${RESULTS_DIR}/merged --force`;
    manifests.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata(`${base}-merge`),
      spec: { backoffLimit: 0, template: { metadata: { labels }, spec: podSpec(mergeCommand, '500m', 'claim') } },
    });
  }
  return manifests;
}
