// When a host's failed checks stop being bad luck: a one-sided CUSUM of the sequential probability ratio between
// "an honest host" (fails a check at the measured honest rate) and "a cheater" (fails at least half its checks).
// A pass pulls the score down, a failure pushes it up; the host is convicted when the score reaches ln(1/α), so an
// honest host is convicted with probability below α per run of failures — never on a single failure.

export type ConvictionRule = {
  /** an honest host's chance to fail one check: an upper bound on the measured rate (docs/verification.md) */
  honestFailureRate: number;
  /** the least failure rate worth convicting */
  cheaterFailureRate: number;
  /** the chance an honest host is convicted */
  falseConviction: number;
};

export const DEFAULT_CONVICTION_RULE: ConvictionRule = {
  honestFailureRate: 0.01,
  cheaterFailureRate: 0.5,
  falseConviction: 1e-6,
};

export function convictionThreshold(rule: ConvictionRule): number {
  return Math.log(1 / rule.falseConviction);
}

/** The host's evidence score after one more check, and whether it now crosses the line. */
export function afterCheck(
  score: number,
  passed: boolean,
  rule: ConvictionRule = DEFAULT_CONVICTION_RULE,
): { score: number; convicted: boolean } {
  const step = passed
    ? Math.log((1 - rule.cheaterFailureRate) / (1 - rule.honestFailureRate))
    : Math.log(rule.cheaterFailureRate / rule.honestFailureRate);
  const next = Math.max(0, score + step);
  return { score: next, convicted: next >= convictionThreshold(rule) };
}
