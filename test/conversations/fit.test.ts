import { describe, expect, it } from 'vitest';
import { conversationsOf, fitConversations, fittedYaml } from '../../src/conversations/fit.ts';
import { conversationsSchema } from '../../src/conversations/conversationSchema.ts';
import { parse } from 'yaml';
import { conversationLog } from '../fixtures/conversationLog.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { tempDir } from '../fixtures/tempFiles.ts';
import { ExitCode } from '../../src/errors.ts';

describe('fit', () => {
  it('recovers the model a log was generated from, within the stated tolerances', () => {
    // 20 minutes at 2 conversations/s: about 2,400 conversations, 9,600 messages.
    const log = conversationLog({
      ratePerSec: 2,
      durationMs: 20 * 60_000,
      messages: { kind: 'geometric', mean: 4 },
      thinkTime: { kind: 'lognormal', medianMs: 2000, p99Ms: 15_000 },
      seed: 20261205,
    });
    const model = fitConversations(log, 60_000);
    // Tolerances: rate ±5% (a Poisson count of 2,400 has a standard deviation of 2%), mean
    // messages ±5%, median think time ±5%, p99 ±15% (a tail estimate), all at this fixed seed.
    expect(model.rate.perSec).toBeGreaterThan(1.9);
    expect(model.rate.perSec).toBeLessThan(2.1);
    expect(model.rate.arrivals).toBe('poisson');
    expect(model.rate.dispersion!).toBeGreaterThan(0.8);
    expect(model.rate.dispersion!).toBeLessThan(1.25);
    expect(model.messagesPerConversation).toMatchObject({ kind: 'geometric' });
    const messages = model.messagesPerConversation as { kind: 'geometric'; mean: number; quality: { fits: boolean } };
    expect(messages.mean).toBeGreaterThan(3.8);
    expect(messages.mean).toBeLessThan(4.2);
    expect(messages.quality.fits).toBe(true);
    expect(model.thinkTime!.medianMs).toBeGreaterThan(1900);
    expect(model.thinkTime!.medianMs).toBeLessThan(2100);
    expect(model.thinkTime!.p99Ms).toBeGreaterThan(12_750);
    expect(model.thinkTime!.p99Ms).toBeLessThan(17_250);
    expect(model.thinkTime!.quality.fits).toBe(true);
  });

  it('tells a bad fit: think times of two fixed values are no lognormal, evenly spaced starts are not Poisson', () => {
    const log = Array.from({ length: 600 }, (_, i) => [
      { offsetMs: i * 1000, authId: `u${i}` },
      { offsetMs: i * 1000 + (i % 2 === 0 ? 100 : 5000), authId: `u${i}` },
    ]).flat();
    const model = fitConversations(log, 60_000);
    expect(model.rate.arrivals).toBe('uniform');
    expect(model.messagesPerConversation).toEqual({ kind: 'fixed', count: 2, quality: null });
    expect(model.thinkTime!.quality.fits).toBe(false);
  });

  it('splits a user into conversations at the session gap', () => {
    const log = [0, 1000, 2000, 70_000, 71_000].map((offsetMs) => ({ offsetMs, authId: 'a' }));
    expect(conversationsOf([...log, { offsetMs: 500, authId: 'b' }], 60_000)).toEqual([[0, 1000, 2000], [500], [70_000, 71_000]]);
  });

  it('prints YAML that a conversations phase takes as it is', () => {
    const log = conversationLog({
      ratePerSec: 1,
      durationMs: 120_000,
      messages: { kind: 'uniform', min: 2, max: 6 },
      thinkTime: { kind: 'lognormal', medianMs: 900, p99Ms: 8000 },
      seed: 3,
    });
    const yaml = fittedYaml(fitConversations(log, 60_000), 'log.csv');
    expect(yaml).toMatch(/^# Fitted from log\.csv: \d+ messages of \d+ users over /);
    const pasted = parse(yaml) as { arrivals: string; conversations: unknown };
    expect(pasted.arrivals).toBe('poisson');
    const settings = conversationsSchema.parse(pasted.conversations);
    expect(settings.messages.kind).toBe('uniform');
    expect(settings.thinkTime.kind).toBe('lognormal');
  });
});

describe('harness fit', () => {
  it('prints the shipped chat log model, and refuses a bad gap or a bad row with exit 2', async () => {
    const shipped = await runCliProcess(['fit', 'scenarios/data/chat-log.csv', '--session-gap', '1m']);
    expect(shipped.exitCode, shipped.stderr).toBe(0);
    // The log was generated from 2/s, geometric mean 4, lognormal median 2s, p99 15s.
    expect(shipped.stdout).toMatch(/rate: 1\.9\d+ /);
    expect(shipped.stdout).toMatch(/messages: \{ mean: 3\.9 \}.*fits/);
    expect(shipped.stdout).toMatch(/thinkTime: \{ lognormal: \{ median: 1\.99s, p99: 15\.12s \} \}.*fits/);
    const badGap = await runCliProcess(['fit', 'scenarios/data/chat-log.csv', '--session-gap', 'soon']);
    expect(badGap.exitCode).toBe(ExitCode.badInput);
    expect(badGap.stderr).toContain('--session-gap wants a duration above 0, e.g. 30s or 5m; got "soon"');
    const files = tempDir();
    try {
      const badRow = await runCliProcess(['fit', files.write('log.csv', 'offset_ms,auth_id,message_body\n0,u1,hi\nlater,u1,hi\n')]);
      expect(badRow.exitCode).toBe(ExitCode.badInput);
      expect(badRow.stderr).toMatch(/log\.csv:3: .*offset_ms/);
    } finally {
      files.cleanup();
    }
  });
});
