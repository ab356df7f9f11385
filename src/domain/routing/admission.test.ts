import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAdmission, modelSlots, queueBound, retryAfterSeconds, startable } from './admission.ts';

const rules = { queuePerSlot: 2, maxQueuePerSlot: 8, maxWaitMs: 10_000 };
const load = fc.record({ running: fc.nat(50), queued: fc.nat(100) });
const slots = fc.integer({ min: 0, max: 40 });
const serviceMs = fc.option(fc.integer({ min: 1, max: 120_000 }), { nil: undefined });

describe('admission rule', () => {
  it('runs a request only while a slot is free and nobody waits (FIFO), and never queues beyond the bound', () => {
    fc.assert(
      fc.property(load, slots, serviceMs, (current, n, mean) => {
        const decision = decideAdmission(current, n, mean, rules);
        if (decision.kind === 'run') expect(current.running < n && current.queued === 0).toBe(true);
        if (decision.kind === 'queue') expect(current.queued).toBeLessThan(queueBound(n, mean, rules));
        if (decision.kind === 'shed') expect(current.queued).toBeGreaterThanOrEqual(queueBound(n, mean, rules));
      }),
    );
  });

  it('bounds the queue by a small multiple of the slots, and by what drains within the wait bound once service time is known', () => {
    fc.assert(
      fc.property(slots, serviceMs, (n, mean) => {
        const bound = queueBound(n, mean, rules);
        expect(bound).toBeLessThanOrEqual((mean === undefined ? rules.queuePerSlot : rules.maxQueuePerSlot) * n);
        if (mean !== undefined && bound > 0)
          expect(Math.ceil(bound / n) * mean).toBeLessThanOrEqual(rules.maxWaitMs + mean);
      }),
    );
    expect(queueBound(8, undefined, rules)).toBe(16);
    // Requests that hold a slot for 4 s: 20 drain from 8 slots within 10 s.
    expect(queueBound(8, 4_000, rules)).toBe(20);
    // A fast model queues a burst (up to the memory bound) rather than shedding it.
    expect(queueBound(8, 50, rules)).toBe(64);
    // Requests that hold a slot for 20 s: a queue of 4 on 8 slots already waits 10 s.
    expect(queueBound(8, 20_000, rules)).toBe(4);
  });

  it('sheds every request of a model with no online slot', () => {
    expect(decideAdmission({ running: 0, queued: 0 }, 0, undefined, rules)).toMatchObject({
      kind: 'shed',
      reason: 'queue_full',
    });
  });

  it('asks shed buyers to come back when a slot may be free: 1 s to 30 s', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.integer({ min: 1, max: 40 }), serviceMs, (queued, n, mean) => {
        const seconds = retryAfterSeconds(queued, n, mean);
        expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 30).toBe(true);
      }),
    );
    expect(retryAfterSeconds(16, 8, 2_000)).toBe(6);
    expect(retryAfterSeconds(16, 8, undefined)).toBe(1);
  });

  it('starts no more waiting requests than there are free slots or waiting requests', () => {
    fc.assert(
      fc.property(load, slots, (current, n) => {
        const started = startable(current, n);
        expect(started).toBeGreaterThanOrEqual(0);
        expect(started).toBeLessThanOrEqual(current.queued);
        expect(current.running + started).toBeLessThanOrEqual(Math.max(current.running, n));
      }),
    );
  });

  it('sums the declared slots, and limits nothing while a host declares none', () => {
    expect(modelSlots([4, 2])).toBe(6);
    expect(modelSlots([])).toBe(0);
    const unlimited = modelSlots([4, null]);
    expect(decideAdmission({ running: 10_000, queued: 0 }, unlimited, 1_000, rules)).toEqual({ kind: 'run' });
    expect(retryAfterSeconds(0, unlimited, 1_000)).toBe(1);
  });
});
