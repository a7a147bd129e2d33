// The framing rules on an answer's headers that http-parser-js leaves out (RFC 9112 §6), in one
// place for both readers: httpConnection.ts refuses an answer that breaks them, and wholeAnswer.ts
// leaves such an answer to that path.

const DIGITS = /^\d+$/;

/** What is wrong with a Content-Length value (trimmed), given the one an earlier line of the answer had, if any. */
/**
 * The most an answer's head (status line and headers, the blank line included) may take, however
 * its bytes arrive: a server past it is broken or hostile, and the answer fails as `protocol`.
 */
export const MAX_RESPONSE_HEAD_BYTES = 80 * 1024;

export function contentLengthProblem(value: string, earlier: string | undefined): string | undefined {
  if (!DIGITS.test(value)) return `invalid Content-Length "${value.slice(0, 40)}"`;
  if (earlier !== undefined && Number(value) !== Number(earlier)) return `conflicting Content-Length headers (${earlier} and ${value})`;
  return undefined;
}

/** What is wrong with the answer's framing headers, if anything (RFC 9112 §6). */
export function checkFraming(flat: string[]): string | undefined {
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    if (name === 'content-length') {
      const value = flat[i + 1]!.trim();
      const problem = contentLengthProblem(value, contentLength);
      if (problem !== undefined) return problem;
      contentLength = value;
    } else if (name === 'transfer-encoding') {
      transferEncoding = flat[i + 1]!.trim().toLowerCase();
    }
  }
  if (transferEncoding !== undefined) {
    if (transferEncoding !== 'chunked') return `unsupported Transfer-Encoding "${transferEncoding.slice(0, 40)}"`;
    if (contentLength !== undefined) return 'both Transfer-Encoding and Content-Length (a response-splitting risk)';
  }
  return undefined;
}
