import { describe, expect, it } from 'vitest';
import { CPU_PROFILE } from './thresholds.ts';
import {
  binomialTail,
  examineSample,
  judgePool,
  MIN_CHECK_POSITIONS,
  SAMPLED_STOP_FLOOR,
  type ClaimedPosition,
  type ReferencePosition,
} from './response-check.ts';

const dist = (entries: Array<[number, number]>) => entries.map(([id, p]) => ({ id, logprob: Math.log(p) }));
const referenceOf = (top: ReturnType<typeof dist>, claimedId: number): ReferencePosition => ({
  claimed: { id: claimedId, logprob: top.find((t) => t.id === claimedId)?.logprob ?? Math.log(1e-6) },
  top,
  extra: new Map(top.map((t) => [t.id, t.logprob])),
});
const honest = (n: number, claimedId = 1): { claimed: ClaimedPosition[]; reference: ReferencePosition[] } => {
  const top = dist([
    [1, 0.6],
    [2, 0.3],
    [3, 0.1],
  ]);
  return {
    claimed: Array.from({ length: n }, () => ({
      id: claimedId,
      logprob: top.find((t) => t.id === claimedId)?.logprob ?? 0,
      top,
    })),
    reference: Array.from({ length: n }, () => referenceOf(top, claimedId)),
  };
};
const context = {
  temperature: 0.7,
  stoppedByModel: false,
  afterLast: undefined,
  isEndOfGeneration: (id: number) => id === 0,
};

describe('a sampled response against the reference', () => {
  it('passes when the host reports the reference distribution, and needs enough positions for a verdict', () => {
    const { claimed, reference } = honest(MIN_CHECK_POSITIONS - 1);
    const findings = examineSample(claimed, reference, context);
    expect(judgePool([findings])).toBeUndefined();
    const more = honest(1);
    const verdict = judgePool([findings, examineSample(more.claimed, more.reference, context)]);
    expect(verdict?.passed).toBe(true);
    expect(verdict?.positions).toBe(MIN_CHECK_POSITIONS);
  });

  it('fails a host whose distributions are another model', () => {
    const { claimed } = honest(MIN_CHECK_POSITIONS);
    const reference = claimed.map(() =>
      referenceOf(
        dist([
          [1, 0.3],
          [2, 0.6],
          [3, 0.1],
        ]),
        1,
      ),
    );
    const verdict = judgePool([examineSample(claimed, reference, context)]);
    expect(verdict?.passed).toBe(false);
    expect(verdict?.meanTv).toBeCloseTo(0.3, 6);
  });

  it('fails a greedy answer whose token is not the reference argmax, and accepts it at temperature > 0', () => {
    const { claimed, reference } = honest(MIN_CHECK_POSITIONS, 2);
    expect(judgePool([examineSample(claimed, reference, { ...context, temperature: 0 })])?.greedyMismatches).toBe(
      MIN_CHECK_POSITIONS,
    );
    expect(judgePool([examineSample(claimed, reference, context)])?.passed).toBe(true);
  });

  it('fails a claimed stop (a truncated answer) where the reference finds end-of-generation implausible', () => {
    const { claimed, reference } = honest(MIN_CHECK_POSITIONS);
    const stopped = (top: ReturnType<typeof dist>, pEnd: number, temperature: number) =>
      judgePool([
        examineSample(claimed, reference, {
          ...context,
          temperature,
          stoppedByModel: true,
          afterLast: { ...referenceOf(top, 5), claimed: { id: 0, logprob: Math.log(pEnd) } },
        }),
      ]);
    const withoutEnd = dist([
      [5, 0.9],
      [6, 0.1],
    ]);
    expect(stopped(withoutEnd, SAMPLED_STOP_FLOOR / 100, 0.7)?.implausibleStops).toBe(1);
    expect(stopped(withoutEnd, SAMPLED_STOP_FLOOR / 100, 0)?.implausibleStops).toBe(1);
    // Sampling may draw an end token from the tail, even a rare one (an honest host does, now and then); greedy may not.
    expect(stopped(withoutEnd, 1e-4, 0.7)?.passed).toBe(true);
    expect(stopped(withoutEnd, 0.01, 0)?.passed).toBe(false);
    expect(
      stopped(
        dist([
          [5, 0.9],
          [0, 0.1],
        ]),
        0.1,
        0,
      )?.passed,
    ).toBe(true);
  });
});

describe('top-1 disagreement as a rate', () => {
  const profile = { ...CPU_PROFILE, perCheck: { ...CPU_PROFILE.perCheck, honestTop1Disagreement: 0.01 } };
  /** 96 greedy positions of which `mismatches` claim the reference's second choice. */
  const greedy = (mismatches: number) => {
    const right = honest(96 - mismatches);
    const wrong = honest(mismatches, 2);
    return examineSample([...right.claimed, ...wrong.claimed], [...right.reference, ...wrong.reference], {
      ...context,
      temperature: 0,
    });
  };

  it('passes the disagreements an honest GPU host makes at its calibrated rate, and fails more', () => {
    // At 1 % of 96 positions, 3 disagreements happen to an honest host 7 % of the time; 6 about once in 2,300.
    expect(judgePool([greedy(3)], profile)?.passed).toBe(true);
    const verdict = judgePool([greedy(6)], profile);
    expect(verdict?.passed).toBe(false);
    expect(verdict?.reasons.join()).toMatch(/6 of 96 greedy token\(s\)/);
  });

  it('fails one disagreement where honest hosts make none (the CPU profile)', () => {
    expect(judgePool([greedy(1)])?.passed).toBe(false);
  });

  it('computes the binomial tail', () => {
    expect(binomialTail(10, 0.5, 0)).toBe(1);
    expect(binomialTail(10, 0.5, 10)).toBeCloseTo(1 / 1024, 12);
    expect(binomialTail(10, 0.5, 9)).toBeCloseTo(11 / 1024, 12);
    expect(binomialTail(96, 0, 1)).toBe(0);
  });
});
