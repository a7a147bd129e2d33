// How the harness reaches a target over a real network: name resolution (cached per TTL, every
// address used), names pinned to addresses (curl's --resolve), a proxy, and the local addresses
// connections leave from. These are keys of the scenario's `target`.
import { isIP } from 'node:net';
import { z } from 'zod';
import { durationMsSchema } from '../util/schemaHelpers.ts';

const ipAddress = z.string().refine((text) => isIP(text) !== 0, 'an IPv4 or IPv6 address');

/** `target.dns`: how a target name is resolved and which address each new connection takes. */
export const dnsSchema = z
  .strictObject({
    ttl: durationMsSchema.default(30_000).describe('how long an answer of the resolver is used before asking again'),
    select: z.enum(['first', 'random', 'roundRobin']).default('roundRobin').describe('which of the addresses a new connection takes'),
    family: z.enum(['any', 'ipv4', 'ipv6']).default('any'),
  })
  .default({ ttl: 30_000, select: 'roundRobin', family: 'any' });
export type DnsSettings = z.output<typeof dnsSchema>;

/** `target.resolve`: names pinned to addresses, without DNS (TLS is still verified against the name). */
export const resolveSchema = z.record(
  z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9.-]+$/, 'a host name'),
  z.union([ipAddress, z.array(ipAddress).min(1)]).transform((addresses) => (Array.isArray(addresses) ? addresses : [addresses])),
);

/** `target.proxy`: an http:// proxy URL (user:password@ allowed), or false to ignore HTTPS_PROXY and HTTP_PROXY. */
export const proxySchema = z.union([
  z.literal(false),
  z
    .string()
    .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol) && new URL(text).hostname !== '', 'an http:// proxy URL with a host'),
]);

/** An IPv4 CIDR block as text: its base address and prefix length, or undefined when `text` is none. */
export function ipv4Block(text: string): { base: number; bits: number } | undefined {
  const block = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text);
  if (!block || isIP(block[1]!) !== 4 || Number(block[2]) > 32) return undefined;
  return { base: ipv4Number(block[1]!), bits: Number(block[2]) };
}

/** An IPv4 address as a number from 0 to 2^32 - 1. */
export function ipv4Number(address: string): number {
  return address.split('.').reduce((total, part) => total * 256 + Number(part), 0);
}

/** `target.localAddresses`: addresses (or IPv4 CIDR blocks of at most 256) new connections leave from, in turn. */
export const localAddressesSchema = z
  .array(z.string().min(1))
  .min(1)
  .transform((entries, ctx) => {
    const addresses: string[] = [];
    entries.forEach((entry, i) => {
      const block = ipv4Block(entry);
      if (block && block.bits >= 24) {
        const size = 2 ** (32 - block.bits);
        const start = Math.floor(block.base / size) * size;
        for (let k = 0; k < size; k++) {
          const value = start + k;
          addresses.push([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.'));
        }
      } else if (isIP(entry) !== 0) addresses.push(entry);
      else ctx.addIssue({ code: 'custom', path: [i], message: `"${entry}" is not an IP address or an IPv4 CIDR block from /24 to /32` });
    });
    return addresses;
  });
