import { LOG_MESSAGE_PATH } from '../client/schema.ts';
import { buildLogMessageHeaders } from '../client/logMessageClient.ts';
import { defaultMockBehaviour } from '../mock/behaviour.ts';
import { startMockProcess } from '../mock/childProcess.ts';
import type { MockProcess } from '../mock/childProcess.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../mock/credentials.ts';
import type { MockStats } from '../mock/stats.ts';
import { buildResult } from '../report/buildResult.ts';
import type { RunResult } from '../report/resultModel.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import type { ScenarioOverrides } from '../scenario/loadScenario.ts';
import { planLoad } from '../scenario/plan.ts';
import { confirmWithReference } from '../verify/confirmViolations.ts';
import type { ReferenceConfirmation } from '../verify/confirmViolations.ts';
import type { PoolTarget } from '../engine/connectionPool.ts';
import type { Scenario } from '../scenario/schema.ts';
import { describeEnvironment } from './environment.ts';
import { readCaFile } from './trustedCa.ts';
import { failingAbortThreshold, liveLine, recordersSoFar } from './monitor.ts';
import { preflight } from './preflight.ts';
import { runGenerator } from './generator.ts';
import { readReplayable, resultInputs } from '../merge/measurements.ts';

/** How to run a scenario. */
export interface RunLoadOptions extends ScenarioOverrides {
  scenarioFile: string;
  env: Record<string, string | undefined>;
  interrupt: AbortSignal;
  /** Receives status lines (preflight, stopping) as they happen. */
  onLine(line: string): void;
  /** Receives the live line once a second. */
  onProgress(line: string): void;
  /** Skips the preflight requests (`--no-preflight`). */
  skipPreflight?: boolean;
  /** Called once the scenario is valid, before the mock, preflight or any load: where results will go is made ready here. */
  beforeLoad?(scenarioName: string): Promise<void>;
}

/**
 * Loads and validates the scenario, starts the mock if it is the target, checks the target with
 * preflight requests, runs the load and returns the result model. The mock is stopped whatever
 * happens; an interrupt stops sending and keeps everything measured so far.
 */
export async function runLoad(options: RunLoadOptions): Promise<RunResult> {
  const loaded = await loadScenario(options.scenarioFile, options.env, options);
  const plan = await planLoad(loaded, options.durationScale ?? 1, options.interrupt);
  const { scenario } = plan;
  await options.beforeLoad?.(scenario.name);
  const targetIsMock = scenario.target.url === 'mock';
  const credentials = {
    token: scenario.target.token ?? MOCK_DEFAULT_CREDENTIALS.token,
    clientId: scenario.target.clientId ?? MOCK_DEFAULT_CREDENTIALS.clientId,
  };
  let mock: MockProcess | undefined;
  try {
    if (targetIsMock) {
      options.onLine('Starting the built-in mock in its own process...');
      mock = await startMockProcess(
        { credentials, usersFile: scenario.users.file, behaviour: scenario.mock ?? defaultMockBehaviour },
        { interrupt: options.interrupt },
      );
    }
    const baseUrl = mock?.url ?? scenario.target.url;
    const target = await poolTarget(scenario, baseUrl, credentials);
    if (target.insecure && target.url.protocol === 'https:') {
      options.onLine(`WARNING: TLS certificates of ${target.url.origin} are NOT verified (--insecure / target.insecure): the token goes to whoever answers.`);
    }
    const preflightChecks = options.skipPreflight ? [] : await preflight(target, plan, options.interrupt);
    if (options.skipPreflight) options.onLine('preflight: skipped (--no-preflight)');
    for (const check of preflightChecks) options.onLine(`preflight: ${check.check}: ${check.status} ${check.note}`);
    await mock?.resetStats();
    // A mock that dies mid-run (killed, crashed) ends the run at once, keeping what was measured.
    const targetLost = new AbortController();
    mock?.onUnexpectedExit((how) => targetLost.abort(`the built-in mock stopped (${how})`));
    const measured = await runGenerator(plan, target, {
      interrupt: options.interrupt,
      stop: targetLost.signal,
      onLine: options.onLine,
      onSecond: ({ recorder, contract, engine, elapsedMs, phaseOffsetsMs }) => {
        const run = recordersSoFar(recorder, contract);
        options.onProgress(liveLine(plan.phases, run, engine.inFlight, engine.phaseIndex, elapsedMs, phaseOffsetsMs));
        const failed = failingAbortThreshold(plan, run, engine.phaseIndex);
        return failed && `threshold "${failed}" failed (abortOnFail)`;
      },
    });
    let serverSide: MockStats | null = null;
    if (mock && !mock.endedHow) {
      serverSide = await mock.stats().catch((error: Error) => {
        options.onLine(`The built-in mock's own figures could not be read (${error.message}): the result has none.`);
        return null;
      });
    }
    let referenceConfirmation: ReferenceConfirmation | null = null;
    if (plan.contract && measured.replayableAnswers.length > 0) {
      options.onLine(`Asking Pact's reference verifier about the first answer of each kind of pact violation (${measured.replayableAnswers.length})...`);
      referenceConfirmation = await confirmWithReference(plan.contract.pactFile, plan.contract.responses, readReplayable(measured.replayableAnswers));
    }
    return buildResult({
      ...resultInputs(measured),
      plan,
      targetUrl: targetIsMock ? `mock (${baseUrl})` : redactUrl(scenario.target.url),
      targetIsMock,
      tlsVerified: target.url.protocol === 'https:' ? !target.insecure : null,
      preflight: preflightChecks,
      referenceConfirmation,
      serverSide,
      durationScale: options.durationScale ?? 1,
      baseDir: process.cwd(),
      environment: describeEnvironment(),
    });
  } finally {
    await mock?.stop();
  }
}

/** The load's target and fixed request parts; preflight uses the same. */
async function poolTarget(scenario: Scenario, baseUrl: string, credentials: { token: string; clientId: string }): Promise<PoolTarget> {
  const { timeout, insecure, maxBodyBytes, ca } = scenario.target;
  return {
    url: new URL(baseUrl),
    path: LOG_MESSAGE_PATH,
    headers: buildLogMessageHeaders(credentials),
    timeoutMs: timeout,
    insecure,
    maxBodyBytes,
    ca: ca === undefined ? undefined : await readCaFile(ca),
  };
}

/** A URL without user info, query or fragment: safe to write into reports. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}
