// The canonical sampler is what its definition says, for any engine that implements it: the committed known answers
// (docs/canonical-sampler-vectors.json, Philox from Random123's kat_vectors), an independent implementation of the
// written definition (BigInt Philox, sort-based nucleus) on random inputs, the same draw for the same inputs, and
// draws distributed as softmax(ℓ / T).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { philox4x32 } from './philox.ts';
import { canonicalToken, gumbelNoise, type SeededSampling } from './canonical-sampler.ts';

type Vectors = {
  philox4x32_10: Array<{ counter: string[]; key: string[]; output: string[] }>;
  gumbel: Array<{ seed: number; position: number; token: number; word: number; gumbel: number }>;
  draws: Array<{
    seed: number;
    temperature: number;
    top_p: number;
    position: number;
    logprobs: Array<number | null>;
    token: number;
  }>;
};
const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../docs/canonical-sampler-vectors.json'), 'utf8'),
) as Vectors;
const words = (hex: string[]) => hex.map((h) => parseInt(h, 16));

/** Philox4x32-10 as Random123 writes it, on BigInt words. */
function philoxBig(counter: readonly number[], key: readonly number[]): number[] {
  const mask = 0xffffffffn;
  let c = counter.map(BigInt);
  let k = key.map(BigInt);
  for (let r = 0; r < 10; r++) {
    const p0 = 0xd2511f53n * (c[0] as bigint);
    const p1 = 0xcd9e8d57n * (c[2] as bigint);
    c = [
      ((p1 >> 32n) ^ (c[1] as bigint) ^ (k[0] as bigint)) & mask,
      p1 & mask,
      ((p0 >> 32n) ^ (c[3] as bigint) ^ (k[1] as bigint)) & mask,
      p0 & mask,
    ];
    k = [((k[0] as bigint) + 0x9e3779b9n) & mask, ((k[1] as bigint) + 0xbb67ae85n) & mask];
  }
  return c.map(Number);
}

/** The definition in canonical-sampler.ts, written out again from its comment. */
function definedToken(logprobs: readonly number[], position: number, s: SeededSampling): number {
  const drawable = logprobs.map((l, id) => ({ id, l })).filter((t) => t.l > -Infinity);
  let candidates = drawable;
  if (s.topP < 1) {
    const max = Math.max(...drawable.map((t) => t.l));
    const z = drawable.reduce((sum, t) => sum + Math.exp(t.l - max), 0);
    const sorted = [...drawable].sort((a, b) => b.l - a.l || a.id - b.id);
    candidates = [];
    let mass = 0;
    for (const t of sorted) {
      if (mass >= s.topP) break;
      mass += Math.exp(t.l - max) / z;
      candidates.push(t);
    }
  }
  const key = [s.seed % 2 ** 32, Math.floor(s.seed / 2 ** 32)];
  const scored = candidates.map((t) => {
    const word = philoxBig([position, Math.floor(t.id / 4), 0, 0], key)[t.id % 4] as number;
    return { id: t.id, score: t.l / s.temperature - Math.log(-Math.log((word + 0.5) / 2 ** 32)) };
  });
  scored.sort((a, b) => b.score - a.score || a.id - b.id);
  return (scored[0] as { id: number }).id;
}

const logprobVectors = fc
  .array(fc.double({ min: -20, max: 5, noNaN: true }), { minLength: 1, maxLength: 40 })
  .map((logits) => {
    const max = Math.max(...logits);
    const z = Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
    return logits.map((l) => l - max - z);
  });
const samplings = fc.record({
  seed: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  temperature: fc.double({ min: 0.05, max: 2, noNaN: true }),
  topP: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
});

describe('the canonical sampler', () => {
  it("is Philox4x32-10: Random123's known answers", () => {
    for (const v of vectors.philox4x32_10) {
      const counter = words(v.counter) as [number, number, number, number];
      expect(philox4x32(counter, words(v.key) as [number, number])).toEqual(words(v.output));
      expect(philoxBig(counter, words(v.key))).toEqual(words(v.output));
    }
  });

  it('gives the committed Gumbel noise and draws', () => {
    for (const g of vectors.gumbel) {
      expect(
        philoxBig([g.position, Math.floor(g.token / 4), 0, 0], [g.seed % 2 ** 32, Math.floor(g.seed / 2 ** 32)])[
          g.token % 4
        ],
      ).toBe(g.word);
      expect(gumbelNoise(g.seed, g.position, g.token)).toBe(g.gumbel);
    }
    for (const d of vectors.draws) {
      const logprobs = d.logprobs.map((l) => l ?? -Infinity);
      const sampling = { seed: d.seed, temperature: d.temperature, topP: d.top_p };
      expect(canonicalToken(logprobs, d.position, sampling)).toBe(d.token);
      expect(definedToken(logprobs, d.position, sampling)).toBe(d.token);
    }
  });

  it('draws what the written definition draws, the same every time, on random distributions and settings', () => {
    fc.assert(
      fc.property(logprobVectors, samplings, fc.nat(4096), (logprobs, sampling, position) => {
        const token = canonicalToken(logprobs, position, sampling);
        expect(token).toBe(definedToken(logprobs, position, sampling));
        expect(canonicalToken(Float64Array.from(logprobs), position, { ...sampling })).toBe(token);
      }),
      { numRuns: 300 },
    );
  });

  it('draws tokens with probability softmax(ℓ / T) across positions', () => {
    const logprobs = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    const temperature = 0.8;
    const weights = logprobs.map((l) => Math.exp(l / temperature));
    const total = weights.reduce((a, b) => a + b, 0);
    const draws = 20_000;
    const counts = [0, 0, 0, 0];
    for (let position = 0; position < draws; position++)
      (counts[canonicalToken(logprobs, position, { seed: 9, temperature, topP: 1 })] as number)++;
    weights.forEach((w, id) => {
      const p = w / total;
      // within 5 standard deviations of the binomial count
      expect(Math.abs((counts[id] as number) - draws * p)).toBeLessThan(5 * Math.sqrt(draws * p * (1 - p)));
    });
  });
});
