// Every live output of one generator process (one PrometheusOutput per receiver), as one.
import type { OutputReport, PrometheusOutput } from './prometheusOutput.ts';
import type { LiveFigures } from './liveSeries.ts';
import type { PrometheusOutputSettings } from './outputSchema.ts';

export type { OutputReport } from './prometheusOutput.ts';

/** Who this process is in the run, for the labels every series carries. */
export interface GeneratorIdentity {
  scenario: string;
  runId: string;
  /** `main`, `worker1`, `shard0-worker1`, `trial3-worker0`... */
  generator: string;
}

export class LiveOutputs {
  readonly #outputs: PrometheusOutput[];

  private constructor(outputs: PrometheusOutput[]) {
    this.#outputs = outputs;
  }

  /** One output per receiver; a run without receivers never loads the remote-write codec (protobufjs, snappyjs). */
  static async open(settings: readonly PrometheusOutputSettings[], identity: GeneratorIdentity): Promise<LiveOutputs> {
    if (settings.length === 0) return new LiveOutputs([]);
    const { PrometheusOutput } = await import('./prometheusOutput.ts');
    const common = { scenario: identity.scenario, run_id: identity.runId, generator: identity.generator };
    return new LiveOutputs(settings.map((one) => new PrometheusOutput(one, common)));
  }

  get empty(): boolean {
    return this.#outputs.length === 0;
  }

  /** Pushes `source`'s figures to every receiver until the returned function is called. */
  track(source: () => LiveFigures): () => void {
    const untrack = this.#outputs.map((output) => output.track(source));
    return () => {
      for (const one of untrack) one();
    };
  }

  /** The final pushes, then what each receiver missed. */
  close(): Promise<OutputReport[]> {
    return Promise.all(this.#outputs.map((output) => output.close()));
  }
}
