import { isIP } from 'node:net';
import { buildLogMessageHeaders } from '../client/logMessageClient.ts';
import { logMessageEndpoint } from '../client/schema.ts';
import type { PoolTarget } from '../engine/connectionPool.ts';
import type { Scenario } from '../scenario/schema.ts';
import { trustStore } from './trustedCa.ts';
import { networkRoute } from '../network/route.ts';

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
  /** The certificate the built-in mock serves HTTPS with (made for this run): the one thing trusted then. */
  mockCertificatePem?: string,
): Promise<PoolTarget & { trustStore: string | null }> {
  const { timeout, insecure, maxBodyBytes, acceptEncoding } = scenario.target;
  const url = new URL(baseUrl);
  const trust =
    url.protocol !== 'https:' || insecure
      ? undefined
      : mockCertificatePem !== undefined
        ? { ca: [mockCertificatePem], description: "the built-in mock's certificate, made for this run" }
        : await trustStore(scenario.target, env);
  return {
    trustStore: trust?.description ?? null,
    url: new URL(baseUrl),
    path: logMessageEndpoint(baseUrl).pathname,
    headers: { ...buildLogMessageHeaders(credentials), ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) },
    timeoutMs: timeout,
    insecure,
    maxBodyBytes,
    ca: trust?.ca,
    // The built-in mock runs on this machine: never through a proxy the environment names.
    network: networkRoute(scenario.target.url === 'mock' ? { ...scenario.target, proxy: false } : scenario.target, url, env),
  };
}

/** How the target is reached, in words, when not directly by one name the system resolves: the proxy, pinned names, local addresses. */
export function routeLines(target: PoolTarget, ttlMs: number): string[] {
  const route = target.network;
  if (!route) return [];
  const lines: string[] = [];
  const host = target.url.hostname;
  if (route.proxy)
    lines.push(
      `proxy: ${target.url.protocol === 'https:' ? 'CONNECT tunnels' : 'requests'} through ${route.proxy.shown} (${route.proxy.source}); its own latency is part of every figure`,
    );
  if (route.resolver.pins(host)) lines.push(`resolve: ${host} pinned by target.resolve (no DNS); TLS still verifies the name`);
  else if (isIP(host.replace(/^\[|\]$/g, '')) === 0 && !route.proxy)
    lines.push(`dns: ${host} resolved once per ${ttlMs / 1000}s, new connections spread over every address`);
  if (route.localAddresses) lines.push(`local addresses: connections leave from ${route.localAddresses.length} addresses in turn`);
  return lines;
}
