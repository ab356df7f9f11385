import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cosineDistance, shorten, unitLength } from './vectors.ts';

const vector = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 32 });
const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('embedding vectors', () => {
  it('unit length keeps the direction and makes the norm 1 (a zero vector stays zero)', () => {
    fc.assert(
      fc.property(vector, (v) => {
        const u = unitLength(v);
        if (v.every((x) => x === 0)) expect(u).toEqual(v);
        else {
          expect(norm(u)).toBeCloseTo(1, 9);
          expect(cosineDistance(u, v)).toBeLessThan(1e-9);
        }
      }),
    );
  });

  it('shortening keeps the first components, at unit length', () => {
    expect(shorten([3, 4, 12], 2)).toEqual([0.6, 0.8]);
  });

  it('cosine distance: 0 for the same direction, 1 orthogonal, 2 opposite, wrong shapes and zero vectors 2', () => {
    expect(cosineDistance([1, 2], [2, 4])).toBeCloseTo(0, 12);
    expect(cosineDistance([1, 0], [0, 3])).toBe(1);
    expect(cosineDistance([1, 0], [-1, 0])).toBe(2);
    expect(cosineDistance([1, 0], [1, 0, 0])).toBe(2);
    expect(cosineDistance([0, 0], [1, 0])).toBe(2);
    fc.assert(
      fc.property(vector, vector, (a, b) => {
        const d = cosineDistance(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(2);
      }),
    );
  });
});
