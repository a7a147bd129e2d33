import { classifyResponse, logMessageRequestJson } from '../client/logMessageClient.ts';
import type { LogMessageResult } from '../client/logMessageClient.ts';
import type { PoolTarget, RequestOutcome } from '../engine/connectionPool.ts';
import { sendOne } from '../engine/singleRequest.ts';
import { headerValue } from '../checks/headerCheck.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { RunResult } from '../report/resultModel.ts';
import type { LoadPlan } from '../scenario/plan.ts';

/** The text of every preflight message (servers that count load can tell these apart). */
export const PREFLIGHT_MESSAGE = 'preflight check from the load harness';

/** One preflight request and what it showed (as result.json keeps it). */
export type PreflightCheck = RunResult['preflight'][number];

/** How long preflight waits before asking again a server that failed (5xx): one failure may be a blip. */
export const PREFLIGHT_RETRY_MS = 1000;

/**
 * Before any load: one request as a user expected to be accepted (credentials, reachability) and
 * one as a user with an expected status, if any. Where the load could only fail, preflight stops
 * the run (exit 3) and says what it saw instead of sending thousands of failing requests: a 401, a
 * 403 for the user expected to be accepted, a redirect (the load follows none), a 400 (malformed),
 * a 404 or 405 (no such endpoint), a server that failed twice, an untrusted certificate, no answer,
 * an answer past maxBodyBytes or not HTTP. Other surprises are noted. The requests go through the
 * load's own client, so what preflight accepts (TLS, ports, framing) is what the load meets.
 */
export async function preflight(target: PoolTarget, plan: LoadPlan, interrupt?: AbortSignal): Promise<PreflightCheck[]> {
  const { scenario, preflightUsers } = plan;
  const endpoint = `${target.url.origin}${target.path}`;
  const checks: PreflightCheck[] = [];
  const probeUser = preflightUsers.accepted ?? preflightUsers.expecting!;
  const stop = (problem: string) => new UserError(`${problem} (no load was sent)`, { exitCode: ExitCode.targetNotUsable });
  const call = async (authId: string, businessId: number | undefined): Promise<Answer> => {
    const body = logMessageRequestJson({ authId, messageBody: PREFLIGHT_MESSAGE, businessId: businessId ?? scenario.businessId });
    let outcome: RequestOutcome;
    try {
      outcome = await sendOne(target, body, interrupt);
    } catch (error) {
      throw new UserError('interrupted during preflight; no load was sent', { exitCode: ExitCode.interrupted, cause: error });
    }
    if (outcome.kind === 'response') {
      return { ...classifyResponse(outcome.status, outcome.body.toString('utf8')), location: headerValue(outcome.headers, 'location') };
    }
    throw stop(transportProblem(outcome, endpoint, target));
  };

  let first = await call(probeUser.auth_id, probeUser.business_id);
  if (first.status >= 500 && first.status !== probeUser.expect) {
    // A server error may pass: ask once more before judging the server.
    await new Promise((resolve) => setTimeout(resolve, PREFLIGHT_RETRY_MS));
    const again = await call(probeUser.auth_id, probeUser.business_id);
    if (again.status >= 500) throw stop(`the server failed: ${endpoint} answered HTTP ${first.status}, then ${again.status} a second later${excerptOf(again)}`);
    first = again;
  }
  if (first.kind === 'unauthorized') {
    throw stop(`credentials rejected: ${endpoint} answered 401 "${first.errorMessage}" to the preflight request; check HAPTIK_TOKEN and HAPTIK_CLIENT_ID`);
  }
  if (first.kind === 'unregistered' && probeUser.expect === undefined) {
    throw new UserError(
      `user not registered: ${endpoint} answered 403 "${first.errorMessage}" to the preflight request for auth_id ${probeUser.auth_id}, the first user of ${scenario.users.file} expected to be accepted (no load was sent). ` +
        'The users CSV must hold auth_ids registered on that server; mark rows meant to be refused with 403 in its expect column. --no-preflight runs anyway.',
      { exitCode: ExitCode.targetNotUsable },
    );
  }
  if (first.status !== probeUser.expect) {
    const problem = statusProblem(first, endpoint);
    if (problem) throw stop(problem);
  }
  const label = first.status >= 200 && first.status < 300 ? 'credentials accepted' : 'first user expected to be accepted';
  checks.push({ check: `${label} (auth_id ${probeUser.auth_id})`, status: first.status, note: describe(first, probeUser.expect) });

  const expecting = preflightUsers.accepted ? preflightUsers.expecting : undefined;
  if (expecting) {
    const second = await call(expecting.auth_id, expecting.business_id);
    checks.push({ check: `expected ${expecting.expect} for auth_id ${expecting.auth_id}`, status: second.status, note: describe(second, expecting.expect) });
  }
  return checks;
}

type Answer = LogMessageResult & { location: string | string[] | undefined };

/** Why the preflight request got no answer, in words (the load would meet the same). */
function transportProblem(outcome: Extract<RequestOutcome, { kind: 'error' }>, endpoint: string, target: PoolTarget): string {
  switch (outcome.error) {
    case 'tls':
      return `certificate not trusted: ${endpoint} (${outcome.code ?? 'TLS'}: ${outcome.reason}). Give its CA with target.ca: FILE (added to the trusted ones), target.systemCa: true for the machine's store, or run with --insecure to skip verification`;
    case 'timeout':
      return `no answer: ${endpoint} took the connection but did not answer within ${target.timeoutMs} ms (target.timeout)`;
    case 'bodyTooLarge':
      return `answer too large: ${endpoint} answered with a body over target.maxBodyBytes (${target.maxBodyBytes} bytes); every answer would be dropped: raise target.maxBodyBytes`;
    case 'protocol':
      return `not an HTTP/1.1 answer: ${endpoint} (${outcome.reason})`;
    default:
      if (outcome.code === 'EPROXY') return `the proxy refused: ${outcome.reason}; no request reached ${endpoint}`;
      return `target unreachable: ${endpoint} did not answer the preflight request (${outcome.error}: ${outcome.reason})`;
  }
}

/** Why an answer's status means every request of the load would fail, or undefined when the load is worth running. */
function statusProblem(answer: Answer, endpoint: string): string | undefined {
  const { status } = answer;
  if (status >= 300 && status < 400) {
    const location = Array.isArray(answer.location) ? answer.location[0] : answer.location;
    return `redirected: ${endpoint} answered HTTP ${status}${location ? ` to ${location}` : ' without a Location'}; the load follows no redirects (a POST would not survive most): give the URL it points to as --target`;
  }
  if (status === 407)
    return `the proxy wants credentials: it answered HTTP 407 for ${endpoint}${excerptOf(answer)}; give them in the proxy URL (http://user:password@host:port), which is never printed`;
  if (status === 400)
    return `request refused as malformed: ${endpoint} answered HTTP 400${excerptOf(answer)}; check businessId, the users' auth_ids and the messages`;
  if (status === 404 || status === 405)
    return `no such endpoint: ${endpoint} answered HTTP ${status}${excerptOf(answer)}; check the base URL (a gateway's path prefix goes in it: --target https://host/prefix)`;
  return undefined;
}

function excerptOf(answer: LogMessageResult): string {
  if (answer.kind !== 'unexpected' || answer.bodyExcerpt === '') return '';
  return ` "${answer.bodyExcerpt.slice(0, 120).replace(/\s+/g, ' ')}"`;
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
      return `unexpected answer (${result.reason}): such answers will count as errors`;
    default:
      return 'unexpected answer';
  }
}
