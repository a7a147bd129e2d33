import type { LoadPlan } from '../scenario/plan.ts';
import { confirmWithReference } from '../verify/confirmViolations.ts';
import type { ReferenceConfirmation } from '../verify/confirmViolations.ts';
import { readReplayable } from './measurements.ts';
import type { GeneratorMeasurements } from './measurements.ts';

/** Pact's reference verifier on the first answer of each kind of pact violation a run measured (one process's, or merged); null when there is none to ask about. */
export async function referenceOnViolations(
  plan: LoadPlan,
  measured: GeneratorMeasurements,
  onLine: (line: string) => void,
  hurry?: AbortSignal,
): Promise<ReferenceConfirmation | null> {
  if (!plan.contract || measured.replayableAnswers.length === 0) return null;
  onLine(`Asking Pact's reference verifier about the first answer of each kind of pact violation (${measured.replayableAnswers.length})...`);
  return confirmWithReference(plan.contract.pactFile, plan.contract.responses, readReplayable(measured.replayableAnswers), { stop: hurry });
}
