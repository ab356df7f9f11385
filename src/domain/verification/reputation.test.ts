import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLING_FLOOR,
  reputationAfter,
  reputationWeight,
  samplingRate,
  type ReputationEvent,
} from './reputation.ts';

const event: fc.Arbitrary<ReputationEvent> = fc.oneof(
  fc.constant({ kind: 'passed' as const }),
  fc.constant({ kind: 'failed' as const }),
  fc.integer({ min: 0, max: 50 }).map((count) => ({ kind: 'missed' as const, count })),
);

describe('reputation', () => {
  it('stays within 0–100, rises only with passed checks, and sets a sampling rate between the floor and 1', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), (events) => {
        let reputation = 0;
        for (const e of events) {
          const next = reputationAfter(reputation, e);
          if (e.kind === 'passed') expect(next).toBeGreaterThanOrEqual(reputation);
          else expect(next).toBeLessThanOrEqual(reputation);
          reputation = next;
          expect(reputation).toBeGreaterThanOrEqual(0);
          expect(reputation).toBeLessThanOrEqual(100);
          expect(samplingRate(reputation)).toBeGreaterThanOrEqual(DEFAULT_SAMPLING_FLOOR);
          expect(samplingRate(reputation)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('samples a new host every time and a reputable one at the floor; weighs a new host half', () => {
    expect(samplingRate(0)).toBe(1);
    expect(samplingRate(100)).toBe(DEFAULT_SAMPLING_FLOOR);
    expect(reputationWeight(0)).toBe(0.5);
    expect(reputationWeight(100)).toBe(1);
  });
});
