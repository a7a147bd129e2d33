import { describe, expect, it } from 'vitest';
import { conversationShape, drawMessageCount, drawThinkTimeMs } from '../../src/conversations/conversationModel.ts';
import { ConversationBook } from '../../src/engine/conversationBook.ts';
import type { ActiveConversation } from '../../src/engine/conversationBook.ts';
import { seededRandom } from '../../src/util/random.ts';

const DRAWS = 20_000;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

describe('conversation shapes', () => {
  it('draws message counts: fixed, uniform over the whole range, geometric with its mean', () => {
    const random = seededRandom(11);
    expect(drawMessageCount({ kind: 'fixed', count: 5 }, random)).toBe(5);
    const uniform = Array.from({ length: DRAWS }, () => drawMessageCount({ kind: 'uniform', min: 2, max: 8 }, random));
    expect(new Set(uniform)).toEqual(new Set([2, 3, 4, 5, 6, 7, 8]));
    const geometric = Array.from({ length: DRAWS }, () => drawMessageCount({ kind: 'geometric', mean: 4 }, random));
    const mean = geometric.reduce((sum, n) => sum + n, 0) / DRAWS;
    // Standard error of the mean: sqrt(1 - p) / p / sqrt(n) = 0.024; 0.1 is four of them.
    expect(mean).toBeGreaterThan(3.9);
    expect(mean).toBeLessThan(4.1);
    expect(Math.min(...geometric)).toBe(1);
    expect(drawMessageCount({ kind: 'geometric', mean: 1 }, random)).toBe(1);
  });

  it('draws think times: lognormal with its median and 99th percentile, uniform within its bounds', () => {
    const random = seededRandom(12);
    const lognormal = Array.from({ length: DRAWS }, () => drawThinkTimeMs({ kind: 'lognormal', medianMs: 2000, p99Ms: 20_000 }, random)).sort((a, b) => a - b);
    expect(quantile(lognormal, 0.5)).toBeGreaterThan(1900);
    expect(quantile(lognormal, 0.5)).toBeLessThan(2100);
    expect(quantile(lognormal, 0.99)).toBeGreaterThan(17_000);
    expect(quantile(lognormal, 0.99)).toBeLessThan(23_500);
    const uniform = Array.from({ length: DRAWS }, () => drawThinkTimeMs({ kind: 'uniform', fromMs: 500, toMs: 3000 }, random));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...uniform)).toBeLessThan(3000);
    expect(drawThinkTimeMs({ kind: 'fixed', ms: 750 }, random)).toBe(750);
  });

  it('gives conversation i the same shape wherever it runs, and others their own', () => {
    const shapeOf = (index: number) => {
      const shape = conversationShape(42, 0, index, { kind: 'uniform', min: 3, max: 20 }, { kind: 'uniform', fromMs: 0, toMs: 1000 });
      return [shape.messages, ...Array.from({ length: shape.messages - 1 }, (_, i) => shape.thinkTimeMs(i + 1))];
    };
    expect(shapeOf(7)).toEqual(shapeOf(7));
    const shapes = Array.from({ length: 50 }, (_, i) => JSON.stringify(shapeOf(i)));
    expect(new Set(shapes).size).toBe(50);
  });
});

describe('ConversationBook', () => {
  const conversation = (dueMs: number): ActiveConversation => ({
    phaseIndex: 0,
    script: { messages: 1, request: () => 'starved', thinkTimeMs: () => 0 },
    startMs: 0,
    next: 0,
    dueMs,
    sent: 0,
    connection: undefined,
    ended: false,
  });

  it('hands out waiting conversations in order of due time, only once due', () => {
    const book = new ConversationBook(1);
    const random = seededRandom(5);
    const dues = Array.from({ length: 1000 }, () => Math.floor(random() * 10_000));
    for (const dueMs of dues) book.wait(conversation(dueMs));
    expect(book.nextDueMs).toBe(Math.min(...dues));
    expect(book.takeDue(Math.min(...dues) - 1)).toBeUndefined();
    const taken: number[] = [];
    for (let next = book.takeDue(10_000); next; next = book.takeDue(10_000)) taken.push(next.dueMs);
    expect(taken).toEqual([...dues].sort((a, b) => a - b));
    expect(book.nextDueMs).toBeUndefined();
  });
});
