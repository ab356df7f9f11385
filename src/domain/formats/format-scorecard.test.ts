import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FORMAT_RULES,
  failureRate,
  formatFactors,
  formatScores,
  median,
  type FormatCounts,
} from './format-scorecard.ts';

const rules = { margin: 0.05, minAnswers: 20, weight: 0.1 };
const counts = (entries: Record<string, [answers: number, failures: number]>) =>
  new Map(Object.entries(entries).map(([id, [answers, failures]]) => [id, { answers, failures }]));
const arbCounts = fc
  .array(
    fc
      .integer({ min: 0, max: 200 })
      .chain((answers) => fc.record({ answers: fc.constant(answers), failures: fc.integer({ min: 0, max: answers }) })),
    { maxLength: 7 },
  )
  .map((list) => new Map<string, FormatCounts>(list.map((c, i) => [`h${i}`, c])));

describe('the format scorecard', () => {
  it('lowers the weight of the one host failing far more often than the model median', () => {
    const factors = formatFactors(counts({ honest: [50, 0], also: [40, 1], broken: [30, 24] }), rules);
    expect(Object.fromEntries(factors)).toEqual({ honest: 1, also: 1, broken: 0.1 });
  });

  it('leaves a host alone below the minimum of answers, and a model whose hosts all fail alike', () => {
    expect(formatFactors(counts({ honest: [50, 0], broken: [19, 19] }), rules).get('broken')).toBe(1);
    expect([...formatFactors(counts({ a: [50, 40], b: [60, 47] }), rules).values()]).toEqual([1, 1]);
    expect(formatFactors(counts({ alone: [500, 500] }), DEFAULT_FORMAT_RULES).get('alone')).toBe(1);
  });

  it('gives every host a factor of 1 or the rule weight, and never lowers one at or below the median plus margin', () => {
    fc.assert(
      fc.property(arbCounts, (all) => {
        const factors = formatFactors(all, rules);
        expect([...factors.keys()].sort()).toEqual([...all.keys()].sort());
        const middle = median([...all.values()].filter((c) => c.answers >= rules.minAnswers).map(failureRate));
        for (const [id, c] of all) {
          const factor = factors.get(id);
          expect([1, rules.weight]).toContain(factor);
          if (factor !== 1) {
            expect(c.answers).toBeGreaterThanOrEqual(rules.minAnswers);
            expect(failureRate(c)).toBeGreaterThan((middle as number) + rules.margin);
          }
        }
      }),
    );
  });

  it('never raises a host whose answers turn into failures', () => {
    fc.assert(
      fc.property(arbCounts, fc.nat(), (all, pick) => {
        const ids = [...all.keys()];
        fc.pre(ids.length > 0);
        const id = ids[pick % ids.length] as string;
        const before = all.get(id) as FormatCounts;
        fc.pre(before.failures < before.answers);
        const worse = new Map(all).set(id, { ...before, failures: before.failures + 1 });
        expect(formatFactors(worse, rules).get(id)).toBeLessThanOrEqual(formatFactors(all, rules).get(id) as number);
      }),
    );
  });

  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeUndefined();
    expect(median([0.3, 0.1, 0.2])).toBe(0.2);
    expect(median([0.4, 0, 0.2, 0.1])).toBeCloseTo(0.15);
    expect(failureRate({ answers: 0, failures: 0 })).toBe(0);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), (values) => {
        const m = median(values) as number;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });
});

describe('the stored scorecard', () => {
  it('adds each model’s outcomes into answers, failures and failures by kind', () => {
    const rows = [
      { modelId: 'm2', outcome: 'ok', answers: 3 },
      { modelId: 'm1', outcome: 'unknown_function', answers: 2 },
      { modelId: 'm1', outcome: 'ok', answers: 5 },
      { modelId: 'm1', outcome: 'unparsable_arguments', answers: 1 },
    ];
    expect(formatScores(rows)).toEqual([
      { modelId: 'm1', answers: 8, failures: 3, failuresByKind: { unknown_function: 2, unparsable_arguments: 1 } },
      { modelId: 'm2', answers: 3, failures: 0, failuresByKind: {} },
    ]);
  });

  it('keeps failures at most the answers, and the kinds summing to the failures', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            modelId: fc.constantFrom('a', 'b'),
            outcome: fc.constantFrom('ok', 'unknown_function', 'unparsable_answer'),
            answers: fc.nat(1000),
          }),
        ),
        (rows) => {
          for (const score of formatScores(rows)) {
            expect(score.failures).toBeLessThanOrEqual(score.answers);
            expect(Object.values(score.failuresByKind).reduce((a, b) => a + b, 0)).toBe(score.failures);
          }
        },
      ),
    );
  });
});
