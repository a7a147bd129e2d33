import { buildLogMessageHeaders } from '../client/logMessageClient.ts';
import { LOG_MESSAGE_PATH } from '../client/schema.ts';
import type { PoolTarget } from '../engine/connectionPool.ts';
import type { Scenario } from '../scenario/schema.ts';
import { readCaFile } from './trustedCa.ts';

/** The credentials a run sends: the scenario's, or the built-in mock's own. */
export interface Credentials {
  token: string;
  clientId: string;
}

/** The load's target and fixed request parts; preflight uses the same. */
export async function poolTarget(scenario: Scenario, baseUrl: string, credentials: Credentials): Promise<PoolTarget> {
  const { timeout, insecure, maxBodyBytes, ca, acceptEncoding } = scenario.target;
  return {
    url: new URL(baseUrl),
    path: LOG_MESSAGE_PATH,
    headers: { ...buildLogMessageHeaders(credentials), ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) },
    timeoutMs: timeout,
    insecure,
    maxBodyBytes,
    ca: ca === undefined ? undefined : await readCaFile(ca),
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
