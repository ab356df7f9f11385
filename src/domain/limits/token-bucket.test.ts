import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { giveBack, standing, take, type Bucket } from './token-bucket.ts';

describe('token bucket', () => {
  it('never admits more than one minute of allowance plus what refilled since the start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.record({ waitMs: fc.integer({ min: 0, max: 5_000 }), amount: fc.integer({ min: 1, max: 500 }) }), {
          maxLength: 200,
        }),
        (perMinute, requests) => {
          let bucket: Bucket | undefined;
          let now = 0;
          let admitted = 0;
          for (const { waitMs, amount } of requests) {
            now += waitMs;
            const taken = take(bucket, perMinute, amount, now);
            if (taken.ok) {
              bucket = taken.bucket;
              admitted += Math.min(amount, perMinute);
            } else {
              expect(taken.retryAfterMs).toBeGreaterThan(0);
            }
          }
          expect(admitted).toBeLessThanOrEqual(perMinute + (now * perMinute) / 60_000 + 1e-6);
        },
      ),
    );
  });

  it('admits a refused request once its Retry-After has passed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 20_000 }), (perMinute, amount) => {
        const drained = take(undefined, perMinute, perMinute, 0);
        if (!drained.ok) throw new Error('a new bucket is full');
        const refused = take(drained.bucket, perMinute, amount, 0);
        expect(refused.ok).toBe(false);
        if (refused.ok) return;
        expect(take(drained.bucket, perMinute, amount, refused.retryAfterMs).ok).toBe(true);
      }),
    );
  });

  it('gives back what an estimate over-took, never beyond a full bucket', () => {
    const first = take(undefined, 100, 80, 0);
    if (!first.ok) throw new Error('a new bucket is full');
    expect(take(first.bucket, 100, 50, 0).ok).toBe(false);
    const returned = giveBack(first.bucket, 100, 60, 0);
    expect(returned.level).toBe(80);
    expect(giveBack(returned, 100, 1_000, 0).level).toBe(100);
  });

  it('reports what is left and when the bucket is full again, so the reset always admits a full allowance', () => {
    expect(standing(undefined, 60, 0)).toEqual({ remaining: 60, fullInMs: 0 });
    const taken = take(undefined, 60, 3, 0);
    if (!taken.ok) throw new Error('a new bucket is full');
    expect(standing(taken.bucket, 60, 0)).toEqual({ remaining: 57, fullInMs: 3_000 });
    expect(standing(taken.bucket, 60, 1_500)).toEqual({ remaining: 58, fullInMs: 1_500 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 20_000 }), (perMinute, amount) => {
        const drained = take(undefined, perMinute, amount, 0);
        if (!drained.ok) throw new Error('a new bucket is full');
        const now = standing(drained.bucket, perMinute, 0);
        expect(now.remaining).toBe(perMinute - Math.min(amount, perMinute));
        expect(take(drained.bucket, perMinute, perMinute, now.fullInMs).ok).toBe(true);
      }),
    );
  });
});
