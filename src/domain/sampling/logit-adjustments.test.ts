// The adjustments as OpenAI defines them, and a renormalised distribution equal to the softmax of the adjusted
// logits (the function both the built-in engine and the verifier use).
import { describe, expect, it } from 'vitest';
import {
  adjustDistribution,
  adjustsDistribution,
  firstUnknownBiasToken,
  logitDeltas,
  tokenCounts,
} from './logit-adjustments.ts';

const softmax = (logits: number[]) => {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};

describe('logit adjustments', () => {
  it('bias adds to a logit; frequency subtracts per occurrence and presence once, over the completion so far', () => {
    const deltas = logitDeltas(
      { logitBias: { '3': 5, '4': -100 }, presencePenalty: 0.5, frequencyPenalty: 0.25 },
      tokenCounts([3, 3, 7]),
    );
    expect(Object.fromEntries(deltas)).toEqual({ 3: 5 - 0.5 - 0.5, 4: -100, 7: -0.5 - 0.25 });
    expect(adjustsDistribution({ logitBias: { '3': 0 }, presencePenalty: 0, frequencyPenalty: 0 })).toBe(false);
  });

  it('renormalises to the softmax of the adjusted logits, sorted again', () => {
    const logits = [2, 1, 0.5, -1, -3];
    const raw = softmax(logits)
      .map((p, id): [number, number] => [id, p])
      .sort((a, b) => b[1] - a[1]);
    const deltas = new Map([
      [4, 6],
      [0, -2],
    ]);
    const expected = softmax(logits.map((l, id) => l + (deltas.get(id) ?? 0)));
    const adjusted = adjustDistribution(raw, deltas);
    expect(adjusted[0]?.[0]).toBe(4);
    for (const [id, p] of adjusted) expect(p).toBeCloseTo(expected[id] as number, 12);
    expect(adjusted.map(([, p]) => p).every((p, i, all) => i === 0 || (all[i - 1] as number) >= p)).toBe(true);
  });

  it('accepts only decimal token ids the vocabulary has as logit_bias keys', () => {
    const isToken = (id: number) => id < 100;
    expect(firstUnknownBiasToken({ '0': 1, '99': -1 }, isToken)).toBeUndefined();
    expect(firstUnknownBiasToken({ '100': 1 }, isToken)).toBe('100');
    expect(firstUnknownBiasToken({ hello: 1 }, isToken)).toBe('hello');
    expect(firstUnknownBiasToken({ '-1': 1 }, isToken)).toBe('-1');
    expect(firstUnknownBiasToken({ '01': 1 }, isToken)).toBe('01');
  });
});
