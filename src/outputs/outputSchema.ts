// Where live metrics go while a run runs: `outputs:` in a scenario, `--output prometheus=URL` on
// the command line (see docs/live-metrics.md).
import { z } from 'zod';
import { durationMsSchema } from '../util/schemaHelpers.ts';

/** Labels the harness sets itself: a user's labels may not take these names. */
export const OWN_LABELS = ['__name__', 'scenario', 'run_id', 'phase', 'generator', 'outcome', 'reason', 'rule', 'path', 'le'] as const;

const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name: letters, digits and "_", not starting with a digit')
  .refine((name) => !(OWN_LABELS as readonly string[]).includes(name) && !name.startsWith('__'), {
    message: `taken by the harness (${OWN_LABELS.join(', ')}) or reserved (__...)`,
  });

export const remoteWriteUrlSchema = z
  .string()
  .refine(
    (url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol),
    'an http(s) URL of a remote-write receiver, e.g. http://prometheus:9090/api/v1/write',
  );

/** Prometheus remote write: where, how often, and what else every series carries. */
export const prometheusOutputSchema = z.strictObject({
  url: remoteWriteUrlSchema,
  interval: durationMsSchema
    .default(5000)
    .refine((ms) => ms >= 1000 && ms <= 60_000, 'between 1s and 60s')
    .describe('how often every generator pushes (default 5s); one more push when the run ends makes the totals exact'),
  labels: z.record(labelName, z.string()).default({}).describe('labels every series carries besides scenario, run_id, phase and generator'),
  headers: z
    // Values are checked for control characters with the target's headers (scenario/loadScenario.ts).
    .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name'), z.string())
    .default({})
    .describe('sent with every push, e.g. { Authorization: "Bearer ${PROM_TOKEN}" }'),
});
export type PrometheusOutputSettings = z.output<typeof prometheusOutputSchema>;

export const outputsSchema = z.strictObject({ prometheus: prometheusOutputSchema.optional() }).default({});
export type OutputsSettings = z.output<typeof outputsSchema>;

/**
 * The receivers of a run: the scenario's, with `--output prometheus=URL` flags replacing its URL
 * (its interval, labels and headers kept); each URL its own receiver. Problems are returned, all.
 */
export function prometheusOutputs(scenario: OutputsSettings, flags: readonly string[]): { outputs: PrometheusOutputSettings[]; problems: string[] } {
  const problems: string[] = [];
  const urls: string[] = [];
  for (const flag of flags) {
    const match = /^prometheus=(.+)$/.exec(flag);
    if (!match) {
      problems.push(`--output ${flag}: expected prometheus=URL (the only output so far), e.g. --output prometheus=http://127.0.0.1:9090/api/v1/write`);
      continue;
    }
    const parsed = remoteWriteUrlSchema.safeParse(match[1]);
    if (parsed.success) urls.push(parsed.data);
    else problems.push(`--output ${flag}: ${parsed.error.issues[0]!.message}`);
  }
  const settings = scenario.prometheus ?? { interval: 5000, labels: {}, headers: {} };
  const outputs = urls.length > 0 ? urls.map((url) => ({ ...settings, url })) : scenario.prometheus ? [scenario.prometheus] : [];
  return { outputs, problems };
}
