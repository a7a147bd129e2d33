import { classifyResponse, logMessageRequestJson } from '../client/logMessageClient.ts';
import type { LogMessageResult } from '../client/logMessageClient.ts';
import type { PoolTarget, RequestOutcome } from '../engine/connectionPool.ts';
import { sendOne } from '../engine/singleRequest.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { RunResult } from '../report/resultModel.ts';
import type { LoadPlan } from '../scenario/plan.ts';

/** The text of every preflight message (servers that count load can tell these apart). */
export const PREFLIGHT_MESSAGE = 'preflight check from the load harness';

/** One preflight request and what it showed (as result.json keeps it). */
export type PreflightCheck = RunResult['preflight'][number];

/**
 * Before any load: one request as a user expected to be accepted (credentials, reachability) and
 * one as a user with an expected status, if any. A 401, a 403 for the user expected to be accepted,
 * an untrusted certificate or an unreachable target stops the run (exit 3) instead of sending
 * thousands of failing requests; other surprises are noted. The requests go through the load's
 * own client, so what preflight accepts (TLS, ports, framing) is what the load meets.
 */
export async function preflight(target: PoolTarget, plan: LoadPlan, interrupt?: AbortSignal): Promise<PreflightCheck[]> {
  const { scenario, preflightUsers } = plan;
  const baseUrl = target.url.origin;
  const checks: PreflightCheck[] = [];
  const probeUser = preflightUsers.accepted ?? preflightUsers.expecting!;
  const call = async (authId: string, businessId: number | undefined): Promise<LogMessageResult> => {
    const body = logMessageRequestJson({ authId, messageBody: PREFLIGHT_MESSAGE, businessId: businessId ?? scenario.businessId });
    let outcome: RequestOutcome;
    try {
      outcome = await sendOne(target, body, interrupt);
    } catch (error) {
      throw new UserError('interrupted during preflight; no load was sent', { exitCode: ExitCode.interrupted, cause: error });
    }
    if (outcome.kind === 'response') return classifyResponse(outcome.status, outcome.body.toString('utf8'));
    if (outcome.error === 'tls') {
      throw new UserError(
        `certificate not trusted: ${baseUrl} (${outcome.code ?? 'TLS'}: ${outcome.reason}). Give its CA with target.ca: FILE, or run with --insecure to skip verification (no load was sent)`,
        { exitCode: ExitCode.targetNotUsable },
      );
    }
    throw new UserError(`target unreachable: ${baseUrl} did not answer the preflight request (${outcome.error}: ${outcome.reason})`, {
      exitCode: ExitCode.targetNotUsable,
    });
  };

  const first = await call(probeUser.auth_id, probeUser.business_id);
  if (first.kind === 'unauthorized') {
    throw new UserError(
      `credentials rejected: ${baseUrl} answered 401 "${first.errorMessage}" to the preflight request; check HAPTIK_TOKEN and HAPTIK_CLIENT_ID (no load was sent)`,
      { exitCode: ExitCode.targetNotUsable },
    );
  }
  if (first.kind === 'unregistered' && probeUser.expect === undefined) {
    throw new UserError(
      `user not registered: ${baseUrl} answered 403 "${first.errorMessage}" to the preflight request for auth_id ${probeUser.auth_id}, the first user of ${scenario.users.file} expected to be accepted (no load was sent). ` +
        'The users CSV must hold auth_ids registered on that server; mark rows meant to be refused with 403 in its expect column. --no-preflight runs anyway.',
      { exitCode: ExitCode.targetNotUsable },
    );
  }
  checks.push({ check: `credentials accepted (auth_id ${probeUser.auth_id})`, status: first.status, note: describe(first, probeUser.expect) });

  const expecting = preflightUsers.accepted ? preflightUsers.expecting : undefined;
  if (expecting) {
    const second = await call(expecting.auth_id, expecting.business_id);
    checks.push({ check: `expected ${expecting.expect} for auth_id ${expecting.auth_id}`, status: second.status, note: describe(second, expecting.expect) });
  }
  return checks;
}

function describe(result: LogMessageResult, expectedStatus: number | undefined): string {
  if (expectedStatus !== undefined)
    return result.status === expectedStatus ? 'as expected' : `expected ${expectedStatus}: this row's outcome will count as an error`;
  switch (result.kind) {
    case 'logged':
      return 'ok';
    case 'unregistered':
      return 'this user is not registered at the target: its messages will count as errors';
    case 'unexpected':
      return `unexpected answer (${result.reason})`;
    default:
      return 'unexpected answer';
  }
}
