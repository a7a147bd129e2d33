// Name resolution for a run: each name resolved once per TTL (not once per connection, through
// Node's four resolver threads), every address it returns used by new connections in turn, and
// names pinned to addresses without DNS. It plugs into net.connect as its `lookup`, so TLS still
// verifies the name: SNI and the certificate check never see the address.
import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { DnsSettings } from './networkSchema.ts';

/** Asks the system resolver (getaddrinfo, /etc/hosts included) for every address of a name. */
export type ResolveAll = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

const systemResolveAll: ResolveAll = (hostname, family) => systemLookup(hostname, { all: true, family });

/** net.connect's `lookup` option: one address, or (with `all`, as autoSelectFamily asks) a list. */
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type ConnectLookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback) => void;

interface CacheEntry {
  addresses: Promise<LookupAddress[]>;
  expiresAtMs: number;
}

export class TargetResolver {
  readonly #settings: DnsSettings;
  readonly #pinned: ReadonlyMap<string, LookupAddress[]>;
  readonly #resolveAll: ResolveAll;
  readonly #cache = new Map<string, CacheEntry>();
  #turn = 0;
  #queries = 0;

  constructor(settings: DnsSettings, pinned: Record<string, string[]> = {}, resolveAll: ResolveAll = systemResolveAll) {
    this.#settings = settings;
    this.#pinned = new Map(
      Object.entries(pinned).map(([name, addresses]) => [name.toLowerCase(), addresses.map((address) => ({ address, family: isIP(address) }))]),
    );
    this.#resolveAll = resolveAll;
  }

  /** Questions asked of the resolver so far (pinned names ask none). */
  get queries(): number {
    return this.#queries;
  }

  /** Whether a name is pinned by `target.resolve`. */
  pins(hostname: string): boolean {
    return this.#pinned.has(hostname.toLowerCase());
  }

  /** Every address of a name: pinned, cached, or asked of the resolver (one question at a time per name). */
  addressesOf(hostname: string): Promise<LookupAddress[]> {
    const name = hostname.toLowerCase();
    const pinned = this.#pinned.get(name);
    if (pinned) return Promise.resolve(pinned);
    const nowMs = Date.now();
    const cached = this.#cache.get(name);
    if (cached && cached.expiresAtMs > nowMs) return cached.addresses;
    this.#queries++;
    const family = this.#settings.family === 'ipv4' ? 4 : this.#settings.family === 'ipv6' ? 6 : 0;
    const addresses = this.#resolveAll(hostname, family).then((found) => {
      if (found.length === 0) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
      return found;
    });
    const entry = { addresses, expiresAtMs: nowMs + this.#settings.ttl };
    this.#cache.set(name, entry);
    // A failed answer is not kept: the next connection asks again.
    addresses.catch(() => {
      if (this.#cache.get(name) === entry) this.#cache.delete(name);
    });
    return addresses;
  }

  /** The address the next new connection takes, by `select`. */
  pick(addresses: readonly LookupAddress[]): LookupAddress {
    switch (this.#settings.select) {
      case 'first':
        return addresses[0]!;
      case 'random':
        return addresses[Math.floor(Math.random() * addresses.length)]!;
      case 'roundRobin':
        return addresses[this.#turn++ % addresses.length]!;
    }
  }

  /** As net.connect's `lookup`: the chosen address of the name. */
  readonly lookup: ConnectLookup = (hostname, options, callback) => {
    this.addressesOf(hostname).then(
      (addresses) => {
        const chosen = this.pick(addresses);
        // Asked for all (Node's happy eyeballs): the chosen address first, the others to fall back on
        // when it does not answer (a dual-stack name whose server listens on one family).
        if (options.all) callback(null, [chosen, ...addresses.filter((address) => address !== chosen)]);
        else callback(null, chosen.address, chosen.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
