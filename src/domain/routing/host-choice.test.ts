import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit, closedCircuit, recordFailure, recordSuccess, type Circuit } from './circuit-breaker.ts';
import { earnHedge, emptyHedgeBudget, quantile, spendHedge } from './hedging.ts';
import { observeLatency, observeSpeed, orderHosts, tokensPerSecond } from './host-choice.ts';
import { capTiers, RecentTraffic, shareCap } from './traffic-share.ts';
import { bondedShareCap, DEFAULT_BOND_RULES } from '../economics/bonds.ts';

describe('host choice', () => {
  it('puts the better of two sampled hosts first and every host exactly once after it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ latencyMs: fc.integer({ min: 1, max: 1000 }), outstanding: fc.integer({ min: 0, max: 20 }) }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 2, maxLength: 2 }),
        (loads, draws) => {
          const hosts = loads.map((l, i) => ({ ...l, hostId: `h${i}`, weight: 1 }));
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
      { hostId: 'fast1', latencyMs: 10, outstanding: 0, weight: 1 },
      { hostId: 'fast2', latencyMs: 10, outstanding: 0, weight: 1 },
      { hostId: 'slow', latencyMs: 100, outstanding: 0, weight: 1 },
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
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
    // A trial that never reports (routed elsewhere) frees its slot after another backoff.
    expect(admit(trial.circuit, 3_999).admitted).toBe(false);
    expect(admit(trial.circuit, 4_000)).toMatchObject({
      admitted: true,
      circuit: { state: 'half_open', openedAtMs: 4_000 },
    });
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

describe('weights, affinity, the traffic cap and hedging', () => {
  const lcg = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  it('draws hosts in proportion to their observed capacity when their scores tie', () => {
    const hosts = [
      { hostId: 'big', latencyMs: 10, outstanding: 0, weight: 3 },
      { hostId: 'small', latencyMs: 10, outstanding: 0, weight: 1 },
      { hostId: 'small2', latencyMs: 10, outstanding: 0, weight: 1 },
    ];
    const random = lcg(11);
    // With equal scores the first drawn host wins: its share follows its weight.
    const firsts = Array.from({ length: 5000 }, () => orderHosts(hosts, random)[0]!.hostId);
    const big = firsts.filter((h) => h === 'big').length / firsts.length;
    expect(big).toBeGreaterThan(0.5);
    expect(big).toBeLessThan(0.7);
  });

  it('measures a host by its decode speed where a stream shows it, else by the whole answer, smoothed', () => {
    expect(tokensPerSecond(101, 1_200, 1_000)).toBeCloseTo(101);
    expect(tokensPerSecond(50, 500, 0)).toBe(100);
    expect(tokensPerSecond(0, 500, 0)).toBeUndefined();
    expect(tokensPerSecond(3, 0, 0)).toBeUndefined();
    expect(observeSpeed(undefined, 40)).toBe(40);
    expect(observeSpeed(100, 0)).toBe(80);
  });

  it('puts the host of the conversation first on a near-tie, not when it is much slower', () => {
    const hosts = [
      { hostId: 'a', latencyMs: 10, outstanding: 0, weight: 1 },
      { hostId: 'b', latencyMs: 12, outstanding: 0, weight: 1 },
      { hostId: 'slow', latencyMs: 100, outstanding: 0, weight: 1 },
    ];
    const random = lcg(3);
    for (let i = 0; i < 200; i++) expect(orderHosts(hosts, random, 'b')[0]!.hostId).toBe('b');
    expect(Array.from({ length: 200 }, () => orderHosts(hosts, random, 'slow')[0]!.hostId)).not.toContain('slow');
  });

  it('caps a host at max(25%, 2/N) of recent traffic', () => {
    expect(shareCap(2)).toBe(1);
    expect(shareCap(4)).toBe(0.5);
    expect(shareCap(16)).toBe(0.25);
    const recent = new RecentTraffic(100);
    for (let i = 0; i < 100; i++) recent.record(i % 10 < 6 ? 'hot' : `cold${i % 4}`);
    expect(recent.overCap('hot', shareCap(4))).toBe(true);
    expect(recent.overCap('cold1', shareCap(4))).toBe(false);
    expect(recent.overCap('hot', shareCap(2))).toBe(false);
    for (let i = 0; i < 100; i++) recent.record(`cold${i % 4}`);
    expect(recent.overCap('hot', shareCap(4))).toBe(false);
  });

  it("puts an unbonded host above 10% behind a bonded one, a bond's cap growing with it; among unbonded hosts no one", () => {
    expect(bondedShareCap(0n, DEFAULT_BOND_RULES)).toBe(0.1);
    expect(bondedShareCap(DEFAULT_BOND_RULES.fullShareBond / 2n, DEFAULT_BOND_RULES)).toBeCloseTo(0.55);
    expect(bondedShareCap(DEFAULT_BOND_RULES.fullShareBond * 2n, DEFAULT_BOND_RULES)).toBe(1);
    const recent = new RecentTraffic(100);
    for (let i = 0; i < 100; i++) recent.record(i % 10 < 3 ? 'newcomer' : `bonded${i % 3}`);
    const host = (h: { id: string; bond: bigint }) => h;
    const bonded = [0, 1, 2].map((i) => ({ id: `bonded${i}`, bond: DEFAULT_BOND_RULES.fullShareBond }));
    const newcomer = { id: 'newcomer', bond: 0n };
    expect(capTiers([newcomer, ...bonded], recent, host, DEFAULT_BOND_RULES)).toEqual([bonded, [newcomer], []]);
    const unbonded = bonded.map((b) => ({ ...b, bond: 0n }));
    expect(capTiers([newcomer, ...unbonded], recent, host, DEFAULT_BOND_RULES)).toEqual([
      [newcomer, ...unbonded],
      [],
      [],
    ]);
  });

  it('hedges at most 5% of eligible requests, and only once the p95 is known', () => {
    let budget = emptyHedgeBudget;
    let hedges = 0;
    for (let i = 0; i < 10_000; i++) {
      budget = earnHedge(budget);
      const spent = spendHedge(budget);
      budget = spent.budget;
      if (spent.ok) hedges++;
    }
    expect(hedges).toBeLessThanOrEqual(500);
    expect(hedges).toBeGreaterThan(450);
    expect(quantile([1, 2, 3], 0.95)).toBeUndefined();
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(95);
  });
});
