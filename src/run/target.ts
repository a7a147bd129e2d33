import { buildLogMessageHeaders } from '../client/logMessageClient.ts';
import { logMessageEndpoint } from '../client/schema.ts';
import type { PoolTarget } from '../engine/connectionPool.ts';
import type { Scenario } from '../scenario/schema.ts';
import { trustStore } from './trustedCa.ts';

/** The credentials a run sends: the scenario's, or the built-in mock's own. */
export interface Credentials {
  token: string;
  clientId: string;
}

/** The load's target and fixed request parts; preflight uses the same. */
export async function poolTarget(
  scenario: Scenario,
  baseUrl: string,
  credentials: Credentials,
  env: Record<string, string | undefined>,
): Promise<PoolTarget & { trustStore: string | null }> {
  const { timeout, insecure, maxBodyBytes, acceptEncoding } = scenario.target;
  const url = new URL(baseUrl);
  const trust = url.protocol === 'https:' && !insecure ? await trustStore(scenario.target, env) : undefined;
  return {
    trustStore: trust?.description ?? null,
    url: new URL(baseUrl),
    path: logMessageEndpoint(baseUrl).pathname,
    headers: { ...buildLogMessageHeaders(credentials), ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) },
    timeoutMs: timeout,
    insecure,
    maxBodyBytes,
    ca: trust?.ca,
  };
}

/** A URL without user info, query or fragment: safe to write into reports. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}
