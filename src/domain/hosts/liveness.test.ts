import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHostLive, MISSED_HEARTBEATS } from './liveness.ts';

const seen = (lastSeenAtMs: number | null, leftAtMs: number | null = null) => ({ lastSeenAtMs, leftAtMs });

describe('host liveness', () => {
  it('a host heard from within three heartbeat intervals is live, and one silent for longer is not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        (seenMs, intervalMs, silenceMs) => {
          expect(isHostLive(seen(seenMs), seenMs + silenceMs, intervalMs)).toBe(
            silenceMs <= MISSED_HEARTBEATS * intervalMs,
          );
        },
      ),
    );
  });

  it('the boundary: exactly three intervals of silence is still live, one millisecond more is not', () => {
    expect(isHostLive(seen(1_000), 1_000 + 3 * 2_000, 2_000)).toBe(true);
    expect(isHostLive(seen(1_000), 1_000 + 3 * 2_000 + 1, 2_000)).toBe(false);
  });

  it('an engine the operator registered has no heartbeat and counts as live', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 60_000 }), (nowMs, intervalMs) => {
        expect(isHostLive(seen(null), nowMs, intervalMs)).toBe(true);
      }),
    );
  });

  it('a host that left is gone at once, and live again once it is heard from after leaving', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        (seenMs, leftAfterMs, backAfterMs) => {
          const leftMs = seenMs + leftAfterMs;
          expect(isHostLive(seen(seenMs, leftMs), leftMs, 2_000)).toBe(false);
          expect(isHostLive(seen(leftMs + backAfterMs, leftMs), leftMs + backAfterMs, 2_000)).toBe(true);
        },
      ),
    );
  });
});
