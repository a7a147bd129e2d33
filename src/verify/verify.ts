import { existsSync, readdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Verifier } from '@pact-foundation/pact';
import { LogMessageClient } from '../client/logMessageClient.ts';
import type { LogMessageResult } from '../client/logMessageClient.ts';
import { ExitCode, UserError } from '../errors.ts';
import { PACT_DIR, PACT_PROVIDER, PactExamples, ProviderStates } from '../pact/pactTerms.ts';

/** What verifying a provider against the pacts needs. */
export interface VerifyProviderOptions {
  providerBaseUrl: string;
  /** The provider's real credentials; they replace the pact's examples in flight only. */
  credentials: { token: string; clientId: string };
  registeredAuthId: string;
  unregisteredAuthId: string;
  /** Pact files to verify; every `*.json` in pacts/ when omitted. */
  pactFiles?: string[];
  /** Called when a state needs a registered user, for providers we control (the mock). */
  registerUser?: (authId: string) => void | Promise<void>;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/** Lists the pact files in pacts/. */
export function committedPactFiles(): string[] {
  if (!existsSync(PACT_DIR)) return [];
  return readdirSync(PACT_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${PACT_DIR}${name}`);
}

/**
 * Replays every interaction of the pacts against the provider with Pact's Verifier. The pact's
 * example auth ids are replaced through provider-state injected values and the example
 * credentials by a request filter, so nothing real is written to the pact. The verifier prints
 * each mismatch (interaction, path, expected, actual); a failed verification rejects.
 */
export async function verifyProvider(options: VerifyProviderOptions): Promise<void> {
  const pactUrls = options.pactFiles ?? committedPactFiles();
  if (pactUrls.length === 0) {
    throw new UserError(`no pact files in ${PACT_DIR}: run \`npm run contract\` first`, { exitCode: ExitCode.badInput });
  }
  await checkCredentials(options);
  const verifier = new Verifier({
    provider: PACT_PROVIDER,
    providerBaseUrl: options.providerBaseUrl,
    pactUrls,
    logLevel: options.logLevel ?? 'warn',
    stateHandlers: {
      [ProviderStates.userRegistered]: async () => {
        await options.registerUser?.(options.registeredAuthId);
        return { authId: options.registeredAuthId };
      },
      [ProviderStates.userNotRegistered]: async () => ({ authId: options.unregisteredAuthId }),
    },
    requestFilter: (req: IncomingMessage, _res: unknown, next: () => void) => {
      if (req.headers.authorization === `Bearer ${PactExamples.validToken}`) {
        req.headers.authorization = `Bearer ${options.credentials.token}`;
      }
      if (req.headers['client-id'] === PactExamples.clientId) req.headers['client-id'] = options.credentials.clientId;
      next();
    },
  });
  try {
    await verifier.verifyProvider();
  } catch (error) {
    throw new ContractMismatchError(options.providerBaseUrl, error);
  }
}

/**
 * One request with the real credentials before verifying: a rejected token is the caller's to fix
 * (exit 3), not a provider that breaks the pact, and an unreachable provider is said plainly.
 */
async function checkCredentials(options: VerifyProviderOptions): Promise<void> {
  const client = new LogMessageClient(options.providerBaseUrl, options.credentials);
  let answer: LogMessageResult;
  try {
    answer = await client.logMessage(
      { authId: options.registeredAuthId, messageBody: 'credentials check from the contract verifier', businessId: PactExamples.businessId },
      { signal: AbortSignal.timeout(10_000) },
    );
  } catch (error) {
    throw new UserError(`provider unreachable: ${options.providerBaseUrl} did not answer (${fetchFailure(error)}); nothing was verified`, {
      exitCode: ExitCode.targetNotUsable,
      cause: error,
    });
  }
  if (answer.kind === 'unauthorized') {
    throw new UserError(
      `credentials rejected: ${options.providerBaseUrl} answered 401 "${answer.errorMessage}" with the token and client id from HAPTIK_TOKEN and HAPTIK_CLIENT_ID; check them (the pact was not verified)`,
      { exitCode: ExitCode.targetNotUsable },
    );
  }
}

/**
 * Why fetch got no answer, in words: its TypeError says only "fetch failed"; the cause holds the
 * system error (ECONNREFUSED), or several of them when every address of the host refused.
 */
function fetchFailure(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return 'no answer within 10 s';
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string; message?: string }[] } }).cause;
  const first = cause?.errors?.[0] ?? cause;
  if (first?.code) return first.message ? `${first.code}: ${first.message}` : first.code;
  return first?.message ?? (error as Error).message;
}

/** The provider does not honour the pact; the verifier has printed the mismatches. */
export class ContractMismatchError extends UserError {
  constructor(providerBaseUrl: string, cause: unknown) {
    super(`${providerBaseUrl} does not honour the pact (mismatches above)`, { exitCode: ExitCode.thresholdFailed, cause });
    this.name = 'ContractMismatchError';
  }
}
