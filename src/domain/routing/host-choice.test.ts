import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit, closedCircuit, recordFailure, recordSuccess, type Circuit } from './circuit-breaker.ts';
import { observeLatency, orderHosts } from './host-choice.ts';

describe('host choice', () => {
  it('puts the better of two sampled hosts first and every host exactly once after it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ latencyMs: fc.integer({ min: 1, max: 1000 }), outstanding: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 2, maxLength: 2 }),
        (loads, draws) => {
          const hosts = loads.map((l, i) => ({ ...l, hostId: `h${i}` }));
          let n = 0;
          const ordered = orderHosts(hosts, () => draws[n++ % 2] as number);
          expect(ordered.map((h) => h.hostId).sort()).toEqual(hosts.map((h) => h.hostId).sort());
          const worst = Math.max(...hosts.map((h) => h.latencyMs * (h.outstanding + 1)));
          const first = ordered[0]!;
          if (hosts.length > 1) expect(first.latencyMs * (first.outstanding + 1)).toBeLessThanOrEqual(worst);
        },
      ),
    );
  });

  it('sends a slow host less traffic than fast ones', () => {
    const hosts = [
      { hostId: 'fast1', latencyMs: 10, outstanding: 0 },
      { hostId: 'fast2', latencyMs: 10, outstanding: 0 },
      { hostId: 'slow', latencyMs: 100, outstanding: 0 },
    ];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const firsts = Array.from({ length: 3000 }, () => orderHosts(hosts, random)[0]!.hostId);
    expect(firsts.filter((h) => h === 'slow').length).toBe(0);
    expect(firsts.filter((h) => h === 'fast1').length).toBeGreaterThan(1000);
  });

  it('jumps to a slower latency at once and decays back toward faster samples', () => {
    const slow = observeLatency({ ms: 10, atMs: 0 }, 200, 1);
    expect(slow.ms).toBe(200);
    const later = observeLatency(slow, 10, 30_001);
    expect(later.ms).toBeLessThan(30);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one trial through after the backoff and closes on success', () => {
    let circuit: Circuit = closedCircuit;
    for (let i = 0; i < 3; i++) circuit = recordFailure(circuit, 0);
    expect(admit(circuit, 1_000).admitted).toBe(false);
    const trial = admit(circuit, 2_000);
    expect(trial).toMatchObject({ admitted: true, circuit: { state: 'half_open' } });
    expect(admit(trial.circuit, 2_000).admitted).toBe(false);
    const reopened = recordFailure(trial.circuit, 2_000);
    expect(reopened).toMatchObject({ state: 'open', backoffMs: 4_000 });
    expect(recordSuccess()).toEqual(closedCircuit);
  });

  it('never keeps a host out longer than the capped backoff, however often it fails', () => {
    let circuit: Circuit = closedCircuit;
    let now = 0;
    for (let i = 0; i < 50; i++) {
      circuit = recordFailure(circuit, now);
      if (circuit.state === 'open') {
        now += 60_000;
        const trial = admit(circuit, now);
        expect(trial.admitted).toBe(true);
        circuit = trial.circuit;
      }
    }
  });
});
