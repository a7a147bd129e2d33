import { performance } from 'node:perf_hooks';
import { LOG_MESSAGE_PATH } from '../client/schema.ts';
import { buildLogMessageHeaders } from '../client/logMessageClient.ts';
import { LoadEngine } from '../engine/loadEngine.ts';
import type { EngineRun } from '../engine/loadEngine.ts';
import type { EnginePhase, RequestFactory } from '../engine/types.ts';
import { messageRowSchema, userRowSchema } from '../feed/rowSchemas.ts';
import type { MessageRow } from '../feed/rowSchemas.ts';
import { inMemorySource, openRowSource } from '../feed/rowSource.ts';
import type { RowSource } from '../feed/rowSource.ts';
import { RunRecorder } from '../metrics/runRecorder.ts';
import type { ScopeAccumulator } from '../metrics/scopeStats.ts';
import { defaultMockBehaviour } from '../mock/behaviour.ts';
import { startMockProcess } from '../mock/childProcess.ts';
import type { MockProcess } from '../mock/childProcess.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../mock/credentials.ts';
import type { MockStats } from '../mock/stats.ts';
import { buildResult } from '../report/buildResult.ts';
import type { MeasuredStats } from '../report/buildResult.ts';
import type { RunResult } from '../report/resultModel.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import type { ScenarioOverrides } from '../scenario/loadScenario.ts';
import { planLoad } from '../scenario/plan.ts';
import type { LoadPlan } from '../scenario/plan.ts';
import { ContractRecorder } from '../checks/contractRecorder.ts';
import { confirmWithReference } from '../verify/confirmViolations.ts';
import type { ReferenceConfirmation } from '../verify/confirmViolations.ts';
import type { PoolTarget } from '../engine/connectionPool.ts';
import type { Scenario } from '../scenario/schema.ts';
import { describeEnvironment } from './environment.ts';
import { readCaFile } from './trustedCa.ts';
import { failingAbortThreshold, liveLine } from './monitor.ts';
import { preflight } from './preflight.ts';
import { feedRequests, replayRequests } from './requests.ts';

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
    const measured = await measure(plan, target, options, targetLost.signal);
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
      referenceConfirmation = await confirmWithReference(plan.contract.pactFile, plan.contract.responses, measured.replayableAnswers);
    }
    return buildResult({
      ...measured,
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

async function measure(plan: LoadPlan, target: PoolTarget, options: RunLoadOptions, targetLost: AbortSignal) {
  const { scenario } = plan;
  const users = await openRowSource(scenario.users.file, userRowSchema, scenario.users.order, scenario.seed);
  const messages: RowSource<MessageRow> =
    'file' in scenario.messages
      ? await openRowSource(scenario.messages.file, messageRowSchema, scenario.messages.order, scenario.seed + 1)
      : inMemorySource(
          scenario.messages.inline.map((text) => ({ message_body: text, message_type: 0, weight: 1 })),
          scenario.messages.order,
          scenario.seed + 1,
        );
  const fromFeeds = feedRequests(users, messages, scenario.businessId);
  const expectedStatusOf = (authId: string) => plan.expectedStatusByAuthId.get(authId);
  const replayOf = (rows: Parameters<typeof replayRequests>[0]) => replayRequests(rows, scenario.businessId, expectedStatusOf);
  const phases = plan.phases.map((phase) => enginePhase(phase, fromFeeds, replayOf));

  const recorder = new RunRecorder(phases.length);
  const contract =
    plan.contract &&
    new ContractRecorder(plan.contract.responses, phases.length, {
      sampleShare: plan.contract.sampleShare,
      clockSkewMs: plan.contract.clockSkewMs,
      timeOriginMs: performance.timeOrigin,
    });
  if (contract) recorder.observe(contract.observe);
  const engine = new LoadEngine({
    target,
    phases,
    sink: recorder,
    maxQueueMs: scenario.target.maxQueue ?? scenario.target.timeout,
  });
  let abortReason: string | null = null;
  let interrupted = false;
  const abort = (reason: string) => {
    if (abortReason !== null) return;
    abortReason = reason;
    options.onLine(`Stopping: ${reason}. Waiting briefly for requests in flight...`);
    engine.abort();
  };
  const onInterrupt = () => {
    if (abortReason === null) interrupted = true;
    abort(`interrupted (${String(options.interrupt.reason ?? 'signal')})`);
  };
  options.interrupt.addEventListener('abort', onInterrupt, { once: true });
  const onTargetLost = () => abort(String(targetLost.reason));
  targetLost.addEventListener('abort', onTargetLost, { once: true });

  const startedAt = new Date();
  const running = engine.run();
  const runStartMs = engine.startMs;
  recorder.startClock(runStartMs);
  // Tick just after each second boundary of the run, when that second can be sealed.
  let ticker: NodeJS.Timeout | undefined;
  const tick = () => {
    const nowMs = performance.now();
    recorder.sealBefore(nowMs);
    const phaseIndex = engine.status().phaseIndex;
    options.onProgress(
      liveLine(
        plan.phases,
        recorder,
        contract,
        engine.status().inFlight,
        phaseIndex,
        nowMs - runStartMs,
        engine.phaseStartsMs.map((ms) => ms - runStartMs),
      ),
    );
    const failed = failingAbortThreshold(plan, recorder, contract, phaseIndex);
    if (failed) abort(`threshold "${failed}" failed (abortOnFail)`);
  };
  const aligner = setTimeout(
    () => {
      ticker = setInterval(tick, 1000);
      tick();
    },
    Math.max(0, runStartMs + 1050 - performance.now()),
  );
  if (options.interrupt.aborted) onInterrupt();

  let run: EngineRun;
  try {
    run = await running;
  } finally {
    clearTimeout(aligner);
    clearInterval(ticker);
    options.interrupt.removeEventListener('abort', onInterrupt);
    targetLost.removeEventListener('abort', onTargetLost);
    users.close();
    messages.close();
  }
  const endedAt = new Date();
  const contractSnapshot = contract?.snapshot();
  const snapshot = (accumulator: ScopeAccumulator, phaseIndex?: number): MeasuredStats => ({
    snapshot: accumulator.snapshot(),
    histogram: accumulator.latency.encode(),
    serviceHistogram: accumulator.service.encode(),
    contract: (phaseIndex === undefined ? contractSnapshot?.overall : contractSnapshot?.phases[phaseIndex]) ?? null,
  });
  return {
    startedAt,
    endedAt,
    sendingEndedMs: (engine.abortedAtMs ?? run.endMs) - run.startMs,
    phaseStartOffsetsMs: engine.phaseStartsMs.map((ms) => ms - run.startMs),
    aborted: run.aborted,
    abortReason,
    interrupted: run.aborted && interrupted,
    overall: snapshot(recorder.overall),
    phases: recorder.phases.map((accumulator, i) => snapshot(accumulator, i)),
    timeline: recorder.timeline(),
    replayableAnswers: contract?.replayableAnswers() ?? [],
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

/** A planned phase as the engine runs it: open model for rate and replay phases, closed for connections. */
function enginePhase(
  phase: LoadPlan['phases'][number],
  fromFeeds: RequestFactory,
  replayOf: (rows: Parameters<typeof replayRequests>[0]) => RequestFactory,
): EnginePhase {
  switch (phase.kind) {
    case 'rate':
    case 'replay':
      return {
        model: 'open',
        name: phase.name,
        durationMs: phase.durationMs,
        schedule: phase.schedule,
        maxConnections: phase.maxConnections,
        requests: phase.kind === 'replay' ? replayOf(phase.rows) : fromFeeds,
      };
    case 'connections':
      return { model: 'closed', name: phase.name, durationMs: phase.durationMs, connections: phase.connections, requests: fromFeeds };
  }
}
