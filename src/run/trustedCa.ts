import { readFile } from 'node:fs/promises';
import { ExitCode, UserError } from '../errors.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Reads `target.ca`: PEM certificates to trust besides the system's. Its content is never echoed. */
export async function readCaFile(file: string): Promise<Buffer> {
  const pem = await readFile(file);
  if (!PEM_CERTIFICATE.test(pem.toString('latin1'))) {
    throw new UserError(`target.ca: ${file} holds no PEM certificate (expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)`, {
      exitCode: ExitCode.badInput,
    });
  }
  return pem;
}
