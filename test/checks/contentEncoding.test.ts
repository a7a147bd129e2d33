import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentEncodingOf, decodeContentEncoding } from '../../src/checks/contentEncoding.ts';

const text = '{"message_id":1,"message_body":"नमस्ते","created_at":"2026-12-01T10:00:00.000Z","message_type":0}';
const plain = Buffer.from(text);
const decoded = (headers: string[], body: Buffer, maxBytes = 1024 * 1024) => {
  const encoding = contentEncodingOf(headers);
  if (encoding === null) return { text: body.toString('utf8'), encoding };
  const result = decodeContentEncoding(encoding, body, maxBytes);
  return 'problem' in result ? result : { text: result.body.toString('utf8'), encoding: result.encoding };
};

describe('Content-Encoding', () => {
  it('undoes gzip, deflate (zlib or raw) and br, whatever the header name case', () => {
    expect(decoded(['Content-Encoding', 'gzip'], gzipSync(plain))).toEqual({ text, encoding: 'gzip' });
    expect(decoded(['content-encoding', 'deflate'], deflateSync(plain))).toEqual({ text, encoding: 'deflate' });
    expect(decoded(['content-encoding', 'deflate'], deflateRawSync(plain))).toEqual({ text, encoding: 'deflate' });
    expect(decoded(['CONTENT-ENCODING', 'br'], brotliCompressSync(plain))).toEqual({ text, encoding: 'br' });
  });

  it('undoes several codings, the last applied first, and leaves identity and no header alone', () => {
    expect(decoded(['content-encoding', 'deflate, gzip'], gzipSync(deflateSync(plain)))).toEqual({ text, encoding: 'deflate, gzip' });
    expect(decoded(['content-encoding', 'identity'], plain)).toEqual({ text, encoding: null });
    expect(decoded(['content-type', 'application/json'], plain)).toEqual({ text, encoding: null });
  });

  it('says what is wrong with a body that does not decode, decodes too large, or names a coding no client undoes', () => {
    expect(decoded(['content-encoding', 'gzip'], plain)).toEqual({ problem: expect.stringMatching(/^not gzip data/), encoding: 'gzip' });
    expect(decoded(['content-encoding', 'gzip'], gzipSync(Buffer.alloc(100_000)), 1000)).toEqual({
      problem: 'more than 1000 bytes once decoded (gzip)',
      encoding: 'gzip',
    });
    expect(decoded(['content-encoding', 'zstd'], plain)).toMatchObject({ problem: expect.stringContaining('zstd'), encoding: 'zstd' });
  });
});
