// The one registry of market parameters: every rule of GovernedRules that may change while a market runs, with its
// owner (governance: only an executed proposal changes it; operator: a local infrastructure setting the operator
// sets on /admin), its hard bounds and the largest change one execution may make. A value is a bigint scaled by the
// parameter's decimal places (a ratio of 0.4 at scale 6 is 400000n, an amount is nano-units at scale 9), so bounds
// and steps are exact comparisons; `read`/`write` place it in the rules the market runs by.
import type { GovernedRules } from './governed-rules.ts';

export type ParameterOwner = 'governance' | 'operator';

export type ParameterSpec = {
  owner: ParameterOwner;
  /** decimal places of the value on the wire: 0 counts and basis points, 6 ratios, 9 amounts */
  scale: number;
  min: bigint;
  max: bigint;
  /** the most one executed change may move the value; a parameter changes at most once per epoch */
  maxStep: bigint;
  description: string;
  read(rules: GovernedRules): bigint;
  write(rules: GovernedRules, value: bigint): void;
};

const RATIO_SCALE = 6;
const ratioOf = (r: number): bigint => BigInt(Math.round(r * 10 ** RATIO_SCALE));
const ratio = (v: bigint): number => Number(v) / 10 ** RATIO_SCALE;
const UNIT = 1_000_000_000n;

const integer = (
  owner: ParameterOwner,
  bounds: [min: number, max: number, maxStep: number],
  description: string,
  read: (r: GovernedRules) => number,
  write: (r: GovernedRules, v: number) => void,
): ParameterSpec => ({
  owner,
  scale: 0,
  min: BigInt(bounds[0]),
  max: BigInt(bounds[1]),
  maxStep: BigInt(bounds[2]),
  description,
  read: (r) => BigInt(read(r)),
  write: (r, v) => write(r, Number(v)),
});

const basisPoints = (
  bounds: [min: number, max: number, maxStep: number],
  description: string,
  read: (r: GovernedRules) => bigint,
  write: (r: GovernedRules, v: bigint) => void,
): ParameterSpec => ({
  owner: 'governance',
  scale: 0,
  min: BigInt(bounds[0]),
  max: BigInt(bounds[1]),
  maxStep: BigInt(bounds[2]),
  description,
  read,
  write,
});

const fraction = (
  bounds: [min: number, max: number, maxStep: number],
  description: string,
  read: (r: GovernedRules) => number,
  write: (r: GovernedRules, v: number) => void,
): ParameterSpec => ({
  owner: 'governance',
  scale: RATIO_SCALE,
  min: ratioOf(bounds[0]),
  max: ratioOf(bounds[1]),
  maxStep: ratioOf(bounds[2]),
  description,
  read: (r) => ratioOf(read(r)),
  write: (r, v) => write(r, ratio(v)),
});

const amount = (
  bounds: [min: bigint, max: bigint, maxStep: bigint],
  description: string,
  read: (r: GovernedRules) => bigint,
  write: (r: GovernedRules, v: bigint) => void,
): ParameterSpec => ({
  owner: 'governance',
  scale: 9,
  min: bounds[0],
  max: bounds[1],
  maxStep: bounds[2],
  description,
  read,
  write,
});

export const MARKET_PARAMETERS = {
  take_rate_bps: basisPoints(
    [0, 3_000, 250],
    "the market's take of every cost, in basis points",
    (r) => r.market.split.takeRateBps,
    (r, v) => void (r.market.split.takeRateBps = v),
  ),
  treasury_share_bps: basisPoints(
    [0, 10_000, 1_000],
    "the treasury's share of the take (the platform keeps the rest), in basis points",
    (r) => r.market.split.treasuryShareBps,
    (r, v) => void (r.market.split.treasuryShareBps = v),
  ),
  price_band_low: fraction(
    [0.05, 0.9, 0.1],
    'utilization of capacity below which a price falls',
    (r) => r.market.pricing.band.low,
    (r, v) => void (r.market.pricing.band.low = v),
  ),
  price_band_high: fraction(
    [0.1, 0.95, 0.1],
    'utilization of capacity above which a price rises',
    (r) => r.market.pricing.band.high,
    (r, v) => void (r.market.pricing.band.high = v),
  ),
  price_max_step_bps: integer(
    'governance',
    [0, 5_000, 500],
    'the largest move of one repricing interval, in basis points of the price',
    (r) => r.market.pricing.maxStepBps,
    (r, v) => void (r.market.pricing.maxStepBps = v),
  ),
  price_ceiling_factor: fraction(
    [1, 100, 5],
    "the highest price as a multiple of a model's base price",
    (r) => r.market.pricing.ceilingMultiple,
    (r, v) => void (r.market.pricing.ceilingMultiple = v),
  ),
  price_interval_ms: integer(
    'governance',
    [1_000, 3_600_000, 600_000],
    'how often a price moves toward balance',
    (r) => r.market.pricing.intervalMs,
    (r, v) => void (r.market.pricing.intervalMs = v),
  ),
  epoch_length_ms: integer(
    'governance',
    [1_000, 7 * 24 * 3_600_000, 24 * 3_600_000],
    'the length of an epoch; a change applies from the next epoch on',
    (r) => r.market.epochs.lengthMs,
    (r, v) => void (r.market.epochs.lengthMs = v),
  ),
  hold_back_epochs: integer(
    'governance',
    [1, 30, 1],
    "epochs that must close after an epoch before its hosts' earnings are released",
    (r) => r.market.epochs.holdBackEpochs,
    (r, v) => void (r.market.epochs.holdBackEpochs = v),
  ),
  bond_base_share_bps: integer(
    'governance',
    [0, 10_000, 1_000],
    "the most of a model's traffic an unbonded host gets first choice of, in basis points",
    (r) => r.market.bonds.baseShareBps,
    (r, v) => void (r.market.bonds.baseShareBps = v),
  ),
  bond_full_share: amount(
    [0n, 1_000_000n * UNIT, 100n * UNIT],
    'the bond that lifts a host to all traffic (a smaller bond in proportion)',
    (r) => r.market.bonds.fullShareBond,
    (r, v) => void (r.market.bonds.fullShareBond = v),
  ),
  conviction_slash_bps: basisPoints(
    [0, 10_000, 1_000],
    "slashed of a convicted host's bond (after refunds), in basis points",
    (r) => r.market.bonds.convictionSlashBps,
    (r, v) => void (r.market.bonds.convictionSlashBps = v),
  ),
  miss_slash_bps: basisPoints(
    [0, 10_000, 1_000],
    "slashed of a host's bond when it misses too many requests in an epoch, in basis points",
    (r) => r.market.bonds.missSlashBps,
    (r, v) => void (r.market.bonds.missSlashBps = v),
  ),
  miss_threshold_bps: basisPoints(
    [0, 10_000, 500],
    'the share of forwarded requests a host may miss in an epoch before the miss slash, in basis points',
    (r) => r.market.bonds.missThresholdBps,
    (r, v) => void (r.market.bonds.missThresholdBps = v),
  ),
  unbonding_epochs: integer(
    'governance',
    [1, 30, 1],
    'epochs a bond asked back stays reachable by convictions',
    (r) => r.market.bonds.unbondingEpochs,
    (r, v) => void (r.market.bonds.unbondingEpochs = v),
  ),
  sampling_floor: fraction(
    [0.001, 1, 0.05],
    "the least share of a reputable host's answers that is re-scored",
    (r) => r.samplingFloor,
    (r, v) => void (r.samplingFloor = v),
  ),
  starter_credits: amount(
    [0n, 100n * UNIT, 10n * UNIT],
    'credits a new account starts with',
    (r) => r.starterCredits,
    (r, v) => void (r.starterCredits = v),
  ),
  gov_voting_delay_epochs: integer(
    'governance',
    [1, 10, 1],
    'epochs between a proposal and the opening of its vote',
    (r) => r.governance.votingDelayEpochs,
    (r, v) => void (r.governance.votingDelayEpochs = v),
  ),
  gov_voting_period_epochs: integer(
    'governance',
    [1, 60, 7],
    'epochs a vote stays open',
    (r) => r.governance.votingPeriodEpochs,
    (r, v) => void (r.governance.votingPeriodEpochs = v),
  ),
  gov_quorum_bps: integer(
    'governance',
    [100, 5_000, 200],
    'For + Abstain needed, in basis points of the power checkpointed at the snapshot',
    (r) => r.governance.quorumBps,
    (r, v) => void (r.governance.quorumBps = v),
  ),
  gov_timelock_epochs: integer(
    'governance',
    [2, 30, 2],
    'epochs a succeeded proposal waits before it executes',
    (r) => r.governance.timelockEpochs,
    (r, v) => void (r.governance.timelockEpochs = v),
  ),
  rate_limit_rpm: integer(
    'operator',
    [1, 1_000_000_000, 1_000_000_000],
    "requests per minute of a key that sets no limit of its own (this operator's capacity)",
    (r) => r.rateLimits.requestsPerMinute,
    (r, v) => void (r.rateLimits.requestsPerMinute = v),
  ),
  rate_limit_tpm: integer(
    'operator',
    [1, 1_000_000_000_000, 1_000_000_000_000],
    "tokens per minute of a key that sets no limit of its own (this operator's capacity)",
    (r) => r.rateLimits.tokensPerMinute,
    (r, v) => void (r.rateLimits.tokensPerMinute = v),
  ),
} as const satisfies Record<string, ParameterSpec>;

export type ParameterName = keyof typeof MARKET_PARAMETERS;
export const PARAMETER_NAMES = Object.keys(MARKET_PARAMETERS) as ParameterName[];

export const isParameterName = (name: string): name is ParameterName => Object.hasOwn(MARKET_PARAMETERS, name);

/** Every parameter's value in these rules. */
export const parameterValues = (rules: GovernedRules): Record<ParameterName, bigint> =>
  Object.fromEntries(PARAMETER_NAMES.map((n) => [n, MARKET_PARAMETERS[n].read(rules)])) as Record<
    ParameterName,
    bigint
  >;

/** A copy of the rules with these values written in (the input is never changed). */
export function withParameters(rules: GovernedRules, values: Partial<Record<ParameterName, bigint>>): GovernedRules {
  const next = structuredClone(rules);
  for (const name of PARAMETER_NAMES) {
    const value = values[name];
    if (value !== undefined) MARKET_PARAMETERS[name].write(next, value);
  }
  return next;
}
