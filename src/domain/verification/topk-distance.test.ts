import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanOf, topKTotalVariation, type TokenLogprob } from './topk-distance.ts';

const distribution = fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }).chain((ids) =>
  fc
    .array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: ids.length, maxLength: ids.length })
    .map((ws) => {
      const total = ws.reduce((a, b) => a + b, 0);
      return ids.map((id, i) => ({ id, logprob: Math.log((ws[i] as number) / total) }));
    }),
);

const sorted = (d: TokenLogprob[]) => [...d].sort((a, b) => b.logprob - a.logprob);

describe('top-k total variation', () => {
  it('is zero when the host reports exactly the reference distribution', () => {
    fc.assert(
      fc.property(distribution, (d) => {
        const top = sorted(d).slice(0, 5);
        const tv = topKTotalVariation({
          hostTop: top,
          referenceTop: top,
          referenceLogprobOf: new Map(top.map((t) => [t.id, t.logprob])),
        });
        expect(tv).toBeLessThan(1e-12);
      }),
    );
  });

  it('stays within [0, 1] for any pair of claims', () => {
    fc.assert(
      fc.property(distribution, distribution, (a, b) => {
        const hostTop = sorted(a).slice(0, 5);
        const refAll = new Map(b.map((t) => [t.id, t.logprob]));
        const tv = topKTotalVariation({
          hostTop,
          referenceTop: sorted(b).slice(0, 5),
          referenceLogprobOf: new Map(hostTop.map((t) => [t.id, refAll.get(t.id) ?? -50])),
        });
        expect(tv).toBeGreaterThanOrEqual(0);
        expect(tv).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('detects a host that moves probability between tokens', () => {
    const ref = [
      { id: 1, logprob: Math.log(0.6) },
      { id: 2, logprob: Math.log(0.4) },
    ];
    const host = [
      { id: 2, logprob: Math.log(0.6) },
      { id: 1, logprob: Math.log(0.4) },
    ];
    const tv = topKTotalVariation({
      hostTop: host,
      referenceTop: ref,
      referenceLogprobOf: new Map(ref.map((t) => [t.id, t.logprob])),
    });
    expect(tv).toBeCloseTo(0.2, 12);
    expect(meanOf([tv, 0])).toBeCloseTo(0.1, 12);
  });
});
