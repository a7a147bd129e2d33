// A TLS certificate made for one run of the built-in mock: ECDSA P-256, for 127.0.0.1, ::1 and
// localhost, valid two days. The run trusts exactly this certificate, so a handshake with the mock
// is a real, verified one and costs what it costs. This module wraps @peculiar/x509 (certificate
// building over Node's WebCrypto), the one library here that writes X.509.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A private key and its self-signed certificate, both PEM. */
export interface RunCertificate {
  keyPem: string;
  certPem: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const VALID_MS = 2 * 24 * 60 * 60 * 1000;

export async function makeRunCertificate(): Promise<RunCertificate> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const nowMs = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    name: 'CN=logmsg-harness built-in mock',
    // A minute back: a clock a little behind on the verifying side still takes it.
    notBefore: new Date(nowMs - 60_000),
    notAfter: new Date(nowMs + VALID_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
        { type: 'dns', value: 'localhost' },
      ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`, certPem: certificate.toString('pem') };
}
