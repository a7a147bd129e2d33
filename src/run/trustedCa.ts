import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { rootCertificates } from 'node:tls';
import { ExitCode, UserError } from '../errors.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Where distributions keep the machine's CA bundle (Debian and Ubuntu, RHEL and Fedora, Alpine and macOS). */
export const SYSTEM_CA_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/** The CA certificates an https target is verified against, and how to say which they are. */
export interface TrustStore {
  /** PEM certificates replacing Node's default store; undefined keeps Node's own (with NODE_EXTRA_CA_CERTS). */
  ca: string[] | undefined;
  /** In words, for preflight, the summary and the report: "Node's bundled CAs + target.ca (corp.pem)". */
  description: string;
}

/**
 * The trust store of a run: Node's bundled CAs, or the machine's (`systemCa`, where a corporate CA
 * installed for TLS-inspecting proxies lives), plus NODE_EXTRA_CA_CERTS, plus `target.ca`. Every
 * source adds to the others: Node's `ca` option replaces its default store, so the whole list is
 * built here. No certificate's content is ever echoed.
 */
export async function trustStore(
  target: { ca?: string; systemCa?: boolean },
  env: Record<string, string | undefined>,
  bundles: readonly string[] = SYSTEM_CA_BUNDLES,
): Promise<TrustStore> {
  const extraFile = env.NODE_EXTRA_CA_CERTS;
  const extras = extraFile ? ' + NODE_EXTRA_CA_CERTS' : '';
  if (!target.ca && !target.systemCa) return { ca: undefined, description: `Node's bundled CAs${extras}` };
  const parts: string[] = [];
  const ca: string[] = [];
  if (target.systemCa) {
    const bundle = env.SSL_CERT_FILE ?? bundles.find((file) => existsSync(file));
    if (!bundle) {
      throw new UserError(`target.systemCa: no CA bundle of this machine found (looked for ${bundles.join(', ')}); set SSL_CERT_FILE to it`, {
        exitCode: ExitCode.badInput,
      });
    }
    const certificates = await readCertificates(bundle, 'target.systemCa');
    ca.push(...certificates);
    parts.push(`the machine's store (${bundle}, ${certificates.length} certificates)`);
  } else {
    ca.push(...rootCertificates);
    parts.push("Node's bundled CAs");
  }
  // Node adds NODE_EXTRA_CA_CERTS to its default store only: with a store of our own, we add them.
  if (extraFile) {
    ca.push(...(await readCertificates(extraFile, 'NODE_EXTRA_CA_CERTS')));
    parts.push('NODE_EXTRA_CA_CERTS');
  }
  if (target.ca) {
    const certificates = await readCertificates(target.ca, 'target.ca');
    ca.push(...certificates);
    parts.push(`target.ca (${basename(target.ca)}${certificates.length > 1 ? `, ${certificates.length} certificates` : ''})`);
  }
  return { ca, description: parts.join(' + ') };
}

/** The PEM certificates of a file; one with none is a mistake to say, never a store to trust. */
async function readCertificates(file: string, setting: string): Promise<string[]> {
  let pem: string;
  try {
    pem = await readFile(file, 'latin1');
  } catch (error) {
    throw new UserError(`${setting}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { exitCode: ExitCode.badInput });
  }
  const certificates = pem.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw new UserError(`${setting}: ${file} holds no PEM certificate (expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)`, {
      exitCode: ExitCode.badInput,
    });
  }
  return certificates;
}
