// Bonds: credits a host locks to earn a larger share of a model's traffic and to stand behind its answers. A host
// without a bond gets at most a small base share; the share grows in proportion to its bond up to all traffic.
// A conviction slashes a share of the bond, and so does missing too many forwarded requests in an epoch.
import { BASIS_POINTS, NANOS_PER_UNIT, type Nanos } from '../money/nanos.ts';

export type BondRules = {
  /** the most of a model's traffic an unbonded host gets first choice of, in basis points */
  baseShareBps: number;
  /** the bond that lifts the cap to all traffic (a smaller bond lifts it in proportion) */
  fullShareBond: Nanos;
  /** slashed on a conviction, of what is left of the bond after refunds */
  convictionSlashBps: bigint;
  /** slashed when a host misses more than `missThresholdBps` of its forwarded requests in an epoch */
  missSlashBps: bigint;
  missThresholdBps: bigint;
  /** epochs a bond asked back stays reachable by convictions before it becomes payable */
  unbondingEpochs: number;
};

export const DEFAULT_BOND_RULES: BondRules = {
  baseShareBps: 1_000,
  fullShareBond: 100n * NANOS_PER_UNIT,
  convictionSlashBps: 2_000n,
  missSlashBps: 1_000n,
  missThresholdBps: 500n,
  unbondingEpochs: 2,
};

/** The share of a model's recent traffic (0–1) above which a host goes behind the others. */
export function bondedShareCap(bond: Nanos, rules: BondRules): number {
  const base = rules.baseShareBps / Number(BASIS_POINTS);
  if (bond <= 0n || rules.fullShareBond <= 0n) return rules.fullShareBond <= 0n ? 1 : base;
  const fraction = bond >= rules.fullShareBond ? 1 : Number((bond * 1_000_000n) / rules.fullShareBond) / 1_000_000;
  return base + (1 - base) * fraction;
}

/** Whether an epoch's misses (failures outside maintenance windows) cost the host the miss slash. */
export const missesAboveThreshold = (misses: number, forwarded: number, rules: BondRules): boolean =>
  forwarded > 0 && BigInt(misses) * BASIS_POINTS > BigInt(forwarded) * rules.missThresholdBps;

export const slashOf = (bond: Nanos, slashBps: bigint): Nanos => (bond > 0n ? (bond * slashBps) / BASIS_POINTS : 0n);
