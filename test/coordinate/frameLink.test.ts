import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FrameLink } from '../../src/coordinate/frameLink.ts';
import { newNonce, newRunToken, proofFor, proofHolds, runTokenFrom } from '../../src/coordinate/runToken.ts';
import { UserError } from '../../src/errors.ts';

const frameSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('say'), text: z.string() })]);
type Frame = z.infer<typeof frameSchema>;

/** Two links joined by a pipe each way, as the two ends of one exchange. */
function linkedPair(silenceMs?: number) {
  const aToB = new PassThrough();
  const bToA = new PassThrough();
  const a = new FrameLink<Frame, Frame>(bToA, aToB, frameSchema, { silenceMs });
  const b = new FrameLink<Frame, Frame>(aToB, bToA, frameSchema, { silenceMs });
  return { a, b, aToB, bToA };
}

const closed = (link: FrameLink<Frame, Frame>) => new Promise<string>((resolve) => link.onClose(resolve));

describe('FrameLink', () => {
  it('delivers frames in order, whole, however the bytes are cut', async () => {
    const { a, b, aToB } = linkedPair();
    const heard: Frame[] = [];
    b.onFrame((frame) => heard.push(frame));
    a.send({ type: 'say', text: 'one' });
    // Cut into chunks of bytes: characters of 3 and 4 bytes fall across chunk boundaries.
    const bytes = Buffer.from(`${JSON.stringify({ type: 'say', text: 'नमस्ते 🙏 '.repeat(5000) })}\n`);
    for (let i = 0; i < bytes.length; i += 777) aToB.write(bytes.subarray(i, i + 777));
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard.map((frame) => frame.text.slice(0, 3))).toEqual(['one', 'नमस्ते'.slice(0, 3)]);
    expect(heard[1]!.text).toBe('नमस्ते 🙏 '.repeat(5000));
    expect(b.bytesIn).toBe(a.bytesOut + bytes.length);
    a.close('done');
    b.close('done');
  });

  it('closes on a frame that is not JSON or not one of the schema’s, saying which', async () => {
    const first = linkedPair();
    first.aToB.write('{"type":"say"\n');
    expect(await closed(first.b)).toMatch(/^a frame that is not JSON/);
    const second = linkedPair();
    second.aToB.write('{"type":"shout","text":"x"}\n');
    expect(await closed(second.b)).toMatch(/^a malformed "shout" frame/);
    for (const link of [first.a, second.a]) link.close('done');
  });

  it('keeps a quiet link alive with pings, and gives up on a silent one', async () => {
    const { a, b } = linkedPair(600);
    const heard: Frame[] = [];
    b.onFrame((frame) => heard.push(frame));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Both sides pinged each other: neither went silent, and pings are not frames.
    expect(a.closedReason).toBeUndefined();
    expect(heard).toEqual([]);
    const silent = new FrameLink<Frame, Frame>(new PassThrough(), new PassThrough(), frameSchema, { silenceMs: 300 });
    expect(await closed(silent)).toMatch(/^nothing heard for \d+\.\d s$/);
    a.close('done');
    b.close('done');
  });
});

describe('run token proofs', () => {
  it('hold for the token and the nonce they answer, and for no other token, nonce or role', () => {
    const token = newRunToken();
    const nonce = newNonce();
    const proof = proofFor(token, nonce, 'shard');
    expect(proofHolds(token, nonce, 'shard', proof)).toBe(true);
    expect(proofHolds(newRunToken(), nonce, 'shard', proof)).toBe(false);
    expect(proofHolds(token, newNonce(), 'shard', proof)).toBe(false);
    // A shard's answer cannot be played back as the coordinator's.
    expect(proofHolds(token, nonce, 'coordinator', proof)).toBe(false);
    expect(proof).not.toContain(token);
  });

  it('reads HARNESS_RUN_TOKEN, refusing one too short to be a secret', () => {
    expect(runTokenFrom({})).toBeUndefined();
    expect(runTokenFrom({ HARNESS_RUN_TOKEN: 'a-long-enough-token-123' })).toBe('a-long-enough-token-123');
    expect(() => runTokenFrom({ HARNESS_RUN_TOKEN: 'short' })).toThrow(UserError);
  });
});
