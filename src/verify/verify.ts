import { existsSync, readdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Verifier } from '@pact-foundation/pact';
import { buildLogMessageHeaders, classifyResponse, logMessageRequestJson } from '../client/logMessageClient.ts';
import type { LogMessageResult } from '../client/logMessageClient.ts';
import { logMessageEndpoint } from '../client/schema.ts';
import type { PoolTarget } from '../engine/connectionPool.ts';
import { sendOne } from '../engine/singleRequest.ts';
import { proxyRoute } from '../network/proxy.ts';
import type { ProxyRoute } from '../network/proxy.ts';
import { networkRoute } from '../network/route.ts';
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
  const proxy = proxyRoute(new URL(options.providerBaseUrl), undefined, process.env);
  useProxyForVerifier(proxy);
  await checkCredentials(options, proxy);
  const verifier = new Verifier({
    provider: PACT_PROVIDER,
    providerBaseUrl: options.providerBaseUrl,
    // Pact's proxy to the provider skips TLS verification unless told: the certificates are verified, as everywhere.
    validateSSL: true,
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
 * Pact's verifier reaches the provider through a proxy of its own in this process, which takes
 * HTTPS_PROXY or HTTP_PROXY as they are (no NO_PROXY, upper case only): they are set here to the
 * proxy curl's reading chose, or removed when it chose none. Its native core talks to that local
 * proxy on 127.0.0.1, which no corporate proxy can reach: loopback is added to NO_PROXY for it.
 */
function useProxyForVerifier(proxy: ProxyRoute | null): void {
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY', 'all_proxy']) delete process.env[name];
  if (proxy) process.env.HTTPS_PROXY = proxy.urlWithCredentials;
  const noProxy = [process.env.NO_PROXY ?? process.env.no_proxy, '127.0.0.1', 'localhost', '::1'].filter(Boolean).join(',');
  process.env.NO_PROXY = noProxy;
  process.env.no_proxy = noProxy;
}

/**
 * One request with the real credentials before verifying, through the load's own client (the same
 * proxy, resolver and TLS verification): a rejected token is the caller's to fix (exit 3), not a
 * provider that breaks the pact; an unreachable provider or a refusing proxy is said plainly.
 */
async function checkCredentials(options: VerifyProviderOptions, proxy: ProxyRoute | null): Promise<void> {
  const url = new URL(options.providerBaseUrl);
  const target: PoolTarget = {
    url,
    path: logMessageEndpoint(options.providerBaseUrl).pathname,
    headers: buildLogMessageHeaders(options.credentials),
    timeoutMs: 10_000,
    maxBodyBytes: 1024 * 1024,
    // The proxy chosen before the environment was set for Pact's verifier.
    network: networkRoute({ dns: { ttl: 30_000, select: 'first', family: 'any' } }, url, {}, proxy),
  };
  const body = logMessageRequestJson({
    authId: options.registeredAuthId,
    messageBody: 'credentials check from the contract verifier',
    businessId: PactExamples.businessId,
  });
  const outcome = await sendOne(target, body);
  if (outcome.kind === 'error') {
    const through = proxy ? ` through the proxy ${proxy.shown}` : '';
    throw new UserError(
      `provider unreachable: ${options.providerBaseUrl} did not answer${through} (${outcome.code ?? outcome.error}: ${outcome.reason}); nothing was verified`,
      {
        exitCode: ExitCode.targetNotUsable,
      },
    );
  }
  const answer: LogMessageResult = classifyResponse(outcome.status, outcome.body.toString('utf8'));
  if (answer.kind === 'unauthorized') {
    throw new UserError(
      `credentials rejected: ${options.providerBaseUrl} answered 401 "${answer.errorMessage}" with the token and client id from HAPTIK_TOKEN and HAPTIK_CLIENT_ID; check them (the pact was not verified)`,
      { exitCode: ExitCode.targetNotUsable },
    );
  }
  if (outcome.status === 407) {
    throw new UserError(
      `the proxy ${proxy?.shown ?? ''} wants credentials (407): give them in the proxy URL (http://user:password@host:port); nothing was verified`,
      {
        exitCode: ExitCode.targetNotUsable,
      },
    );
  }
}

/** The provider does not honour the pact; the verifier has printed the mismatches. */
export class ContractMismatchError extends UserError {
  constructor(providerBaseUrl: string, cause: unknown) {
    super(`${providerBaseUrl} does not honour the pact (mismatches above)`, { exitCode: ExitCode.thresholdFailed, cause });
    this.name = 'ContractMismatchError';
  }
}
