import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { headerValue } from './headerCheck.ts';
import type { ResponseHeaders } from './headerCheck.ts';

/** A body as its checks read it: decoded from what its Content-Encoding says, or why it could not be. */
export type DecodedBody = { body: Buffer; encoding: string } | { problem: string; encoding: string };

const DECODERS: Record<string, (bytes: Buffer, maxOutputLength: number) => Buffer> = {
  gzip: (bytes, maxOutputLength) => gunzipSync(bytes, { maxOutputLength }),
  'x-gzip': (bytes, maxOutputLength) => gunzipSync(bytes, { maxOutputLength }),
  br: (bytes, maxOutputLength) => brotliDecompressSync(bytes, { maxOutputLength }),
  // RFC 9110's deflate is zlib-wrapped; some servers send it raw, and clients take both.
  deflate: (bytes, maxOutputLength) => {
    try {
      return inflateSync(bytes, { maxOutputLength });
    } catch {
      return inflateRawSync(bytes, { maxOutputLength });
    }
  },
};

/**
 * The codings an answer's Content-Encoding names (`gzip`, `deflate, br`), or null for none or
 * identity: the one look most answers get (it allocates nothing for them).
 */
export function contentEncodingOf(headers: ResponseHeaders): string | null {
  const value = headerValue(headers, 'content-encoding');
  if (value === undefined) return null;
  const codings = (typeof value === 'string' ? value : value.join(','))
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.length === 0 ? null : codings.join(', ');
}

/**
 * The body as the consumer's HTTP client (and Pact's reference verifier) reads it: undone from
 * every coding `encoding` names (contentEncodingOf), last applied first. A body that does not
 * decode, or decodes past `maxBytes` (a compression bomb), or names a coding no client undoes, is
 * a problem.
 */
export function decodeContentEncoding(encoding: string, body: Buffer, maxBytes: number): DecodedBody {
  const codings = encoding.split(', ');
  let decoded = body;
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) return { problem: `a coding no HTTP client undoes here (${coding}; gzip, deflate and br are)`, encoding };
    try {
      decoded = decoder(decoded, maxBytes);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        problem: code === 'ERR_BUFFER_TOO_LARGE' ? `more than ${maxBytes} bytes once decoded (${coding})` : `not ${coding} data (${code ?? 'damaged'})`,
        encoding,
      };
    }
  }
  return { body: decoded, encoding };
}
