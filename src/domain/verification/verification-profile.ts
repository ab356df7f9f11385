// A SKU's verification profile on one kind of hardware: how far an honest host's answers lie from the reference
// there, measured rather than assumed, and the tests set from it. Thresholds carried from one engine or hardware class
// to another are wrong by orders of magnitude (the CPU engine's honest floor is ~350× below an H200's), so every
// verdict is taken against a profile, and the profile says where its numbers came from.
import type { ConvictionRule } from './conviction.ts';

/**
 * One statistic of the pooled test (a check's mean TV@top-5, or its mean |Δ logprob| of the claimed token). Each
 * check contributes the factor exp(λ·(min(x, cap) − honestMean) − logMgf), whose expectation under the calibrated
 * honest distribution is at most 1 (logMgf bounds that distribution's log moment generating function at λ, from its
 * mean and second moment, over the honest conditions measured): the running product is an e-process, so by Ville's
 * inequality an honest host's score reaches ln(1/α) from any starting check with probability at most α.
 */
export type PooledStatistic = {
  /** the honest mean of one check's statistic (the upper end over the honest conditions measured) */
  honestMean: number;
  /** checks are clipped here before they count: one wild check cannot convict alone (the per-check threshold is for gross fraud) */
  cap: number;
  /** how hard each check's excess over the honest mean counts, per unit of the statistic */
  lambda: number;
  /** an upper bound on ln E_honest[exp(λ·(min(x, cap) − honestMean))] over the honest conditions measured */
  logMgf: number;
};

/**
 * The pooled test per host: one e-process per statistic, each convicting at ln(statistics / α). The claimed
 * token's |Δ logprob| per unit of TV depends on how peaked the model's distributions are (2.3 on the H200 decoder,
 * ~5 on agora-tiny under the same TV floor), so its bound holds only on the SKU it was measured on: null where the
 * profile is carried to another model (the `gpu` floor emulated on agora-tiny).
 */
export type PooledTest = {
  meanTv: PooledStatistic;
  meanAbsLogprobDelta: PooledStatistic | null;
  /** the chance that an honest host's pooled score ever reaches the line from a given check (both statistics together) */
  falseConviction: number;
};

/**
 * The honest per-position distance distribution, kept so that a CPU engine can be made to look like the hardware
 * the profile was measured on (`--floor-profile`): a position's target TV is drawn from `tvQuantiles` and scaled by
 * one factor per answer drawn from `answerFactorQuantiles` (answers differ: some prompts sit on flat distributions).
 */
export type HonestFloor = {
  /** evenly spaced quantiles (0, 1/n, …, 1) of an honest position's TV@top-5 */
  tvQuantiles: number[];
  /** evenly spaced quantiles of an answer's mean TV divided by the overall mean */
  answerFactorQuantiles: number[];
};

export type VerificationProfile = {
  /** e.g. `cpu`, `gpu` */
  name: string;
  /** ISO date (YYYY-MM-DD) the honest distribution was measured */
  measuredAt: string;
  /** what was measured, on what, and how the numbers were fitted */
  provenance: string;
  /** positions one check pools before its verdict */
  minPositions: number;
  perCheck: {
    /** a check whose mean TV@top-5 is above this fails on its own: gross fraud (wrong model, 4-bit, a dropped layer) */
    meanTvThreshold: number;
    /** the share of greedy positions whose claimed token is not the reference's argmax, for an honest host */
    honestTop1Disagreement: number;
    /** a check fails when at least this many disagreements would be less likely than this for an honest host */
    top1TailProbability: number;
  };
  /** failed checks to conviction: its honest failure rate bounds the per-check tests above */
  conviction: ConvictionRule;
  /** the pooled test against subtle substitutes; null where the per-check threshold alone separates them */
  pooled: PooledTest | null;
  /** the honest distance distribution, for emulating this hardware; absent where it was not kept */
  floor?: HonestFloor;
};
