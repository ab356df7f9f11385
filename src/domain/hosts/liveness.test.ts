import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHostLive, MISSED_HEARTBEATS } from './liveness.ts';

describe('host liveness', () => {
  it('a host heard from within three heartbeat intervals is live, and one silent for longer is not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        (seenMs, intervalMs, silenceMs) => {
          expect(isHostLive(seenMs, seenMs + silenceMs, intervalMs)).toBe(silenceMs <= MISSED_HEARTBEATS * intervalMs);
        },
      ),
    );
  });

  it('the boundary: exactly three intervals of silence is still live, one millisecond more is not', () => {
    expect(isHostLive(1_000, 1_000 + 3 * 2_000, 2_000)).toBe(true);
    expect(isHostLive(1_000, 1_000 + 3 * 2_000 + 1, 2_000)).toBe(false);
  });

  it('an engine the operator registered has no heartbeat and counts as live', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 60_000 }), (nowMs, intervalMs) => {
        expect(isHostLive(null, nowMs, intervalMs)).toBe(true);
      }),
    );
  });
});
