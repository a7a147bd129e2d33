import { describe, expect, it } from 'vitest';
import { classifySocketError } from '../../../src/engine/http/failures.ts';

const socketError = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code });

describe('classifySocketError', () => {
  it('names ulimit -n when the process runs out of descriptors', () => {
    for (const code of ['EMFILE', 'ENFILE']) {
      const failure = classifySocketError(socketError(code, `connect ${code} 127.0.0.1:8080 - Local (undefined:undefined)`));
      expect(failure.kind).toBe('localLimit');
      expect(failure.reason).toMatch(
        new RegExp(`^connect ${code} .*: this process may open no more files or sockets; raise the limit with ulimit -n, or lower the concurrency$`),
      );
    }
  });

  it('sorts the other codes into the kinds results count', () => {
    expect(classifySocketError(socketError('ECONNREFUSED', 'refused')).kind).toBe('refused');
    expect(classifySocketError(socketError('EPIPE', 'pipe')).kind).toBe('reset');
    expect(classifySocketError(socketError('EADDRNOTAVAIL', 'no port')).kind).toBe('localLimit');
    expect(classifySocketError(socketError('ERR_TLS_CERT_ALTNAME_INVALID', 'name')).kind).toBe('tls');
    expect(classifySocketError(socketError('EHOSTUNREACH', 'unreachable')).kind).toBe('socket');
  });
});
