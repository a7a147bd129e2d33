/** How a request failed without a usable HTTP answer. */
export type TransportErrorKind = 'timeout' | 'refused' | 'reset' | 'tls' | 'protocol' | 'bodyTooLarge' | 'localLimit' | 'socket';

/** A failed request: its kind (what results count), the error code if any, and why, in words. */
export interface TransportFailure {
  kind: TransportErrorKind;
  code?: string;
  reason: string;
}

/** Codes of a certificate the client could not trust (OpenSSL's X509 verify results), besides ERR_TLS_* and ERR_SSL_*. */
const CERTIFICATE_CODES = /CERT|SIGNATURE|ISSUER|CRL|CHAIN|KEY_USAGE|PATH_LENGTH|AKID|SKID|HOSTNAME/;

/** Maps a Node socket or TLS error to the error kinds results count. */
export function classifySocketError(error: NodeJS.ErrnoException): TransportFailure {
  const code = error.code;
  const reason = error.message;
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused', code, reason };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return { kind: 'reset', code, reason };
    case 'ETIMEDOUT':
      return { kind: 'timeout', code, reason };
    // The generator's own machine ran out: file descriptors, ephemeral ports or buffers.
    case 'EMFILE':
    case 'ENFILE':
      return {
        kind: 'localLimit',
        code,
        reason: `${reason}: this process may open no more files or sockets; raise the limit with ulimit -n, or lower the concurrency`,
      };
    case 'EADDRNOTAVAIL':
    case 'EADDRINUSE':
    case 'ENOBUFS':
    case 'ENOMEM':
      return { kind: 'localLimit', code, reason };
  }
  if (code !== undefined && (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || CERTIFICATE_CODES.test(code))) return { kind: 'tls', code, reason };
  return { kind: 'socket', code, reason };
}

const PARSE_ERRORS: Record<string, string> = {
  HPE_INVALID_CONSTANT: 'not an HTTP/1.x answer (bad status line or header)',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'conflicting Content-Length headers',
};

/** The parser's reason for refusing an answer, in words. */
export function describeParseError(error: Error & { code?: string }): string {
  if (error.code && PARSE_ERRORS[error.code]) return `${PARSE_ERRORS[error.code]} (${error.code})`;
  return error.code ? `${error.message} (${error.code})` : error.message;
}
