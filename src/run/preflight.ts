import { LogMessageClient } from '../client/logMessageClient.ts';
import type { ClientCredentials, LogMessageResult } from '../client/logMessageClient.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { LoadPlan } from '../scenario/plan.ts';

/** One preflight request and what it showed. */
export interface PreflightCheck {
  check: string;
  status: number;
  note: string;
}

/**
 * Before any load: one request as a user expected to be accepted (credentials, reachability) and
 * one as a user with an expected status, if any. A 401, a 403 for the user expected to be accepted,
 * or an unreachable target stops the run (exit 3) instead of sending thousands of failing
 * requests; other surprises are noted.
 */
export async function preflight(baseUrl: string, credentials: ClientCredentials, plan: LoadPlan, interrupt?: AbortSignal): Promise<PreflightCheck[]> {
  const client = new LogMessageClient(baseUrl, credentials);
  const { scenario, preflightUsers } = plan;
  const timeoutMs = scenario.target.timeout;
  const checks: PreflightCheck[] = [];
  const probeUser = preflightUsers.accepted ?? preflightUsers.expecting!;
  const call = async (authId: string, businessId: number | undefined) => {
    try {
      return await client.logMessage(
        { authId, messageBody: 'preflight check from the load harness', businessId: businessId ?? scenario.businessId },
        { signal: interrupt ? AbortSignal.any([AbortSignal.timeout(timeoutMs), interrupt]) : AbortSignal.timeout(timeoutMs) },
      );
    } catch (error) {
      if (interrupt?.aborted) throw new UserError('interrupted during preflight; no load was sent', { exitCode: ExitCode.interrupted, cause: error });
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new UserError(`target unreachable: ${baseUrl} did not answer the preflight request (${cause})`, { exitCode: ExitCode.targetUnreachable, cause: error });
    }
  };

  const first = await call(probeUser.auth_id, probeUser.business_id);
  if (first.kind === 'unauthorized') {
    throw new UserError(
      `credentials rejected: ${baseUrl} answered 401 "${first.errorMessage}" to the preflight request; check HAPTIK_TOKEN and HAPTIK_CLIENT_ID (no load was sent)`,
      { exitCode: ExitCode.targetUnreachable },
    );
  }
  if (first.kind === 'unregistered' && probeUser.expect === undefined) {
    throw new UserError(
      `user not registered: ${baseUrl} answered 403 "${first.errorMessage}" to the preflight request for auth_id ${probeUser.auth_id}, the first user of ${scenario.users.file} expected to be accepted (no load was sent). ` +
        'The users CSV must hold auth_ids registered on that server; mark rows meant to be refused with 403 in its expect column. --no-preflight runs anyway.',
      { exitCode: ExitCode.targetUnreachable },
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
  if (expectedStatus !== undefined) return result.status === expectedStatus ? 'as expected' : `expected ${expectedStatus}: this row's outcome will count as an error`;
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
