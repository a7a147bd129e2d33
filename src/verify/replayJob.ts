/** What the replay child is asked: the pact, and each answer with the interactions it may be judged against. */
export interface ReplayJob {
  /** The pact file's JSON text, as read before the run. */
  pactText: string;
  provider: string;
  /** Where the child writes the pact it verifies. */
  pactOut: string;
  answers: { kind: string; status: number; headers: [string, string][]; bodyBase64: string; interactions: number[] }[];
}

/** The reference's verdict on each answer, by violation kind: confirmed when every interaction for its status fails it. */
export type ReplayVerdicts = Record<string, 'confirmed' | 'disputed'>;

interface PactDocument {
  interactions: Record<string, unknown>[];
  metadata: unknown;
  consumer?: unknown;
  provider?: unknown;
}

/**
 * A pact of the original interactions' responses, one copy per (answer, interaction): each is
 * requested as GET /replay/<n> without provider states, so the verifier only judges the response.
 */
export function replayPact(job: ReplayJob): { pact: PactDocument; served: { status: number; headers: [string, string][]; bodyBase64: string }[] } {
  const original = JSON.parse(job.pactText) as PactDocument;
  const interactions: Record<string, unknown>[] = [];
  const served: { status: number; headers: [string, string][]; bodyBase64: string }[] = [];
  job.answers.forEach((answer, a) => {
    for (const index of answer.interactions) {
      const source = original.interactions[index]!;
      const copy: Record<string, unknown> = {
        ...source,
        description: `answer ${a} interaction ${index}`,
        request: { method: 'GET', path: `/replay/${served.length}` },
      };
      delete copy.providerStates;
      delete copy.providerState;
      delete copy.key;
      interactions.push(copy);
      served.push({ status: answer.status, headers: answer.headers, bodyBase64: answer.bodyBase64 });
    }
  });
  return { pact: { consumer: original.consumer, provider: { name: job.provider }, interactions, metadata: original.metadata }, served };
}

/** Reads the verifier's JSON report: an answer is confirmed broken when every interaction it was judged against failed. */
export function verdictsFromReport(job: ReplayJob, report: string): ReplayVerdicts {
  const parsed = JSON.parse(report) as { interactionResults: { description: string; result: string }[] };
  const passed = new Set(parsed.interactionResults.filter((result) => result.result === 'OK').map((result) => result.description));
  return Object.fromEntries(
    job.answers.map((answer, a) => [
      answer.kind,
      answer.interactions.some((index) => passed.has(`answer ${a} interaction ${index}`)) ? 'disputed' : 'confirmed',
    ]),
  );
}
