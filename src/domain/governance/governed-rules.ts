// The rules a market runs by that its registry may change: the money rules (take and split, demand pricing, epochs,
// bonds), verification's sampling floor, starter credits, the default rate limits and governance's own rules. A
// market's genesis values come from its configuration; afterwards the registry (market-parameters.ts) is the one
// way they change.
import { DEFAULT_MARKET_RULES, type MarketRules } from '../economics/market-rules.ts';
import type { Nanos } from '../money/nanos.ts';

/** How proposals run, counted in epochs so that accelerated time (short epochs) runs them the same way. */
export type GovernanceRules = {
  /** epochs between a proposal and the opening of its vote (its power snapshot is that boundary) */
  votingDelayEpochs: number;
  votingPeriodEpochs: number;
  /** For + Abstain must reach this share of the power checkpointed at the snapshot */
  quorumBps: number;
  /** epochs a succeeded proposal waits in the queue before it executes */
  timelockEpochs: number;
};

/** Defaults from OpenZeppelin Governor / Compound Bravo, counted in epochs (issue 21). */
export const DEFAULT_GOVERNANCE_RULES: GovernanceRules = {
  votingDelayEpochs: 1,
  votingPeriodEpochs: 7,
  quorumBps: 400,
  timelockEpochs: 2,
};

/** The default genesis supply: a founding allocation to the operator and an equal share held by the treasury. */
export const DEFAULT_GOVERNANCE_GENESIS = { founderUnits: 1_000_000n, treasuryUnits: 1_000_000n };

export type GovernedRules = {
  market: MarketRules;
  /** the least share of a reputable host's answers that is re-scored (0–1) */
  samplingFloor: number;
  starterCredits: Nanos;
  rateLimits: { requestsPerMinute: number; tokensPerMinute: number };
  governance: GovernanceRules;
};

export const DEFAULT_GOVERNED_RULES: GovernedRules = {
  market: DEFAULT_MARKET_RULES,
  samplingFloor: 0.02,
  starterCredits: 0n,
  rateLimits: { requestsPerMinute: 600, tokensPerMinute: 1_000_000 },
  governance: DEFAULT_GOVERNANCE_RULES,
};
