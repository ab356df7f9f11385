import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTiers, RecentFormats } from './format-demotion.ts';

describe('format demotion', () => {
  it('counts the last answers of each host only', () => {
    const recent = new RecentFormats(4);
    for (const failed of [true, true, false, false, false, true]) recent.record('a', failed);
    recent.record('b', false);
    expect(Object.fromEntries(recent.counts())).toEqual({
      a: { answers: 4, failures: 1 },
      b: { answers: 1, failures: 0 },
    });
  });

  it('keeps counts equal to the failures among the last answers, for any sequence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(fc.boolean()), (size, outcomes) => {
        const recent = new RecentFormats(size);
        for (const failed of outcomes) recent.record('h', failed);
        const last = outcomes.slice(-size);
        const counted = recent.counts().get('h') ?? { answers: 0, failures: 0 };
        expect(counted).toEqual({ answers: last.length, failures: last.filter(Boolean).length });
      }),
    );
  });

  it('splits hosts without losing or reordering any, and never demotes a host of factor 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.uuid(), factor: fc.constantFrom(1, 0.5, 0.1, 0) })),
        fc.array(fc.double({ min: 0, max: 0.9999, noNaN: true }), { minLength: 1 }),
        (hosts, draws) => {
          let n = 0;
          const [kept, demoted] = formatTiers(
            hosts,
            (h) => h.factor,
            () => draws[n++ % draws.length] as number,
          );
          expect([...kept, ...demoted].length).toBe(hosts.length);
          expect(kept).toEqual(hosts.filter((h) => kept.includes(h)));
          expect(demoted).toEqual(hosts.filter((h) => demoted.includes(h)));
          for (const h of demoted) expect(h.factor).toBeLessThan(1);
          for (const h of kept) expect(h.factor).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('keeps a host of factor f first in about f of the draws', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const kept = Array.from({ length: 5000 }, () => formatTiers([{ f: 0.1 }], (h) => h.f, random)[0].length);
    const share = kept.reduce((a, b) => a + b, 0) / kept.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
  });
});
