import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { TargetResolver } from '../../src/network/resolver.ts';
import type { ResolveAll } from '../../src/network/resolver.ts';

/** A resolver hook that counts its questions and answers two addresses (or fails when told to). */
function countingResolveAll(failFirst = false): ResolveAll & { asked: string[] } {
  const asked: string[] = [];
  const resolveAll = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    if (failFirst && asked.length === 1) throw Object.assign(new Error('no answer'), { code: 'EAI_AGAIN' });
    return [
      { address: '10.0.0.1', family: 4 },
      { address: '10.0.0.2', family: 4 },
    ];
  };
  return Object.assign(resolveAll, { asked });
}

const lookupOnce = (resolver: TargetResolver, hostname: string, all = false) =>
  new Promise<string | LookupAddress[]>((resolve, reject) =>
    resolver.lookup(hostname, { all }, (error, address) => (error ? reject(error) : resolve(address))),
  );

describe('the target resolver', () => {
  it('asks once per TTL however many connections look up at once, and takes each address in turn', async () => {
    const resolveAll = countingResolveAll();
    const resolver = new TargetResolver({ ttl: 60_000, select: 'roundRobin', family: 'any' }, {}, resolveAll);
    const addresses = await Promise.all(Array.from({ length: 100 }, () => lookupOnce(resolver, 'API.example.com')));
    expect(resolveAll.asked).toEqual(['API.example.com']);
    expect(resolver.queries).toBe(1);
    expect(addresses.filter((address) => address === '10.0.0.1')).toHaveLength(50);
    // Asked for all (happy eyeballs), the chosen address comes first, the rest to fall back on.
    expect(await lookupOnce(resolver, 'api.example.com', true)).toEqual([
      { address: '10.0.0.1', family: 4 },
      { address: '10.0.0.2', family: 4 },
    ]);
  });

  it('does not keep a failed answer, and asks nothing for a pinned name', async () => {
    const resolveAll = countingResolveAll(true);
    const resolver = new TargetResolver({ ttl: 60_000, select: 'first', family: 'any' }, { 'pinned.test': ['127.0.0.9'] }, resolveAll);
    await expect(lookupOnce(resolver, 'api.example.com')).rejects.toMatchObject({ code: 'EAI_AGAIN' });
    expect(await lookupOnce(resolver, 'api.example.com')).toBe('10.0.0.1');
    expect(await lookupOnce(resolver, 'PINNED.test')).toBe('127.0.0.9');
    expect(resolveAll.asked).toHaveLength(2);
  });
});
