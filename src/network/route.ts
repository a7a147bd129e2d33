// The way to a target for one process: its resolver (a cache shared by every connection), the
// proxy if any, and the local addresses connections leave from in turn.
import { proxyRoute } from './proxy.ts';
import type { ProxyRoute } from './proxy.ts';
import { TargetResolver } from './resolver.ts';
import type { DnsSettings } from './networkSchema.ts';

export interface NetworkRoute {
  resolver: TargetResolver;
  proxy: ProxyRoute | null;
  localAddresses: readonly string[] | undefined;
  /** The local address the next new connection leaves from, in turn; undefined: the system's choice. */
  nextLocalAddress(): string | undefined;
}

/** What of the scenario's target says how to reach it. */
export interface NetworkSettings {
  dns: DnsSettings;
  resolve?: Record<string, string[]>;
  proxy?: string | false;
  localAddresses?: string[];
}

/** The route to `url`: its proxy from the settings and the environment, unless one was chosen already (`chosenProxy`). */
export function networkRoute(settings: NetworkSettings, url: URL, env: Record<string, string | undefined>, chosenProxy?: ProxyRoute | null): NetworkRoute {
  const localAddresses = settings.localAddresses;
  let turn = 0;
  return {
    resolver: new TargetResolver(settings.dns, settings.resolve),
    proxy: chosenProxy === undefined ? proxyRoute(url, settings.proxy, env) : chosenProxy,
    localAddresses,
    nextLocalAddress: () => (localAddresses && localAddresses.length > 0 ? localAddresses[turn++ % localAddresses.length] : undefined),
  };
}
