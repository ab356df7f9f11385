// Epochs: the market's time divided into settlement periods. When an epoch ends its report is written; the host
// earnings of an epoch become payable only after a hold-back of further epochs, so a conviction can still claw
// them back.
export type EpochRules = {
  lengthMs: number;
  /** epochs that must close after an epoch before its earnings are released */
  holdBackEpochs: number;
  /** an epoch closes this long after its end, so billing batches already under way land in it */
  closeGraceMs: number;
};

export const DEFAULT_EPOCH_RULES: EpochRules = { lengthMs: 24 * 3_600_000, holdBackEpochs: 2, closeGraceMs: 10_000 };

/** The epoch whose earnings are released once `closed` has closed; undefined while none is old enough. */
export const releasableThrough = (closed: number, rules: EpochRules): number | undefined =>
  closed - rules.holdBackEpochs >= 0 ? closed - rules.holdBackEpochs : undefined;

/** What an epoch's earnings release moves for a host: what it earned in the epoch, at most what its earnings hold. */
export const releaseAmount = (earnedInEpoch: bigint, earningsBalance: bigint): bigint => {
  const cap = earningsBalance > 0n ? earningsBalance : 0n;
  return earnedInEpoch < cap ? earnedInEpoch : cap;
};
