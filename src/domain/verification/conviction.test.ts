import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterCheck, DEFAULT_CONVICTION_RULE } from './conviction.ts';

const run = (outcomes: readonly boolean[]) => {
  let score = 0;
  const convictedAt: number[] = [];
  outcomes.forEach((passed, i) => {
    const next = afterCheck(score, passed);
    score = next.score;
    if (next.convicted) convictedAt.push(i + 1);
  });
  return { score, convictedAt };
};

describe('conviction', () => {
  it('never follows a single failure, whatever came before it', () => {
    fc.assert(
      fc.property(fc.array(fc.constant(true), { maxLength: 50 }), (passes) => {
        expect(run([...passes, false]).convictedAt).toEqual([]);
      }),
    );
  });

  it('follows a host that fails every check within five checks', () => {
    expect(run([false, false, false, false, false]).convictedAt[0]).toBeLessThanOrEqual(5);
  });

  it('needs more failures the more checks a host passed in between', () => {
    expect(run([false, true, false, true, false, true, false]).convictedAt).toEqual([]);
  });

  it('is a rule whose chance of convicting an honest host is below the stated bound', () => {
    // The fewest consecutive failures that convict, at the honest failure rate, is the worst case for an honest host.
    const failures = run(Array(20).fill(false)).convictedAt[0] as number;
    expect(DEFAULT_CONVICTION_RULE.honestFailureRate ** failures).toBeLessThan(DEFAULT_CONVICTION_RULE.falseConviction);
  });
});
