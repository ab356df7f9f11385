// The store ports for the market's money over time, one per part of the economics aggregate: epochs and their
// reports with the releases of held-back earnings (settlement), a host's funds with bonds, payouts and top-ups, and
// the reconciliation of the whole ledger. Every money movement they make is a plan of src/domain/money.
import type { BondRules } from '../../domain/economics/bonds.ts';
import type { Nanos } from '../../domain/money/nanos.ts';

export type HostEpochFigures = {
  hostId: string;
  requests: number;
  completionTokens: number;
  earned: Nanos;
  misses: number;
  slashed: Nanos;
};
export type ModelEpochFigures = {
  modelId: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  revenue: Nanos;
};
/** An epoch's figures: from usage records (requests, tokens, revenue) and from the ledger (what captures moved). */
export type EpochReport = {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** the cost of the epoch's usage records */
  revenue: Nanos;
  /** what the epoch's captures took from buyers' holds and gave hosts, the platform and the treasury */
  captured: Nanos;
  hostEarnings: Nanos;
  platformFees: Nanos;
  treasury: Nanos;
  refunded: Nanos;
  hosts: HostEpochFigures[];
  models: ModelEpochFigures[];
};
export type EpochRow = {
  number: number;
  startsAtMs: number;
  endsAtMs: number;
  report: EpochReport | null;
  closedAtMs: number | null;
  releasedAtMs: number | null;
};

export type HostFunds = { earnings: Nanos; payable: Nanos; bond: Nanos; unbonding: Nanos; payoutPending: Nanos };

export type PayoutRow = {
  id: string;
  hostId: string;
  amount: Nanos;
  provider: string;
  status: 'requested' | 'paid' | 'failed';
  reference: string | null;
  createdAtMs: number;
};
export type TopUpRow = {
  id: string;
  /** the buyer account credited, or the host whose bond it posts */
  accountId: string | null;
  hostId: string | null;
  amount: Nanos;
  provider: string;
  reference: string;
  status: 'pending' | 'confirmed' | 'cancelled';
  createdAtMs: number;
};
export type UnbondingRow = {
  id: string;
  hostId: string;
  amount: Nanos;
  releaseEpoch: number;
  releasedAtMs: number | null;
};

export type LedgerCheck = {
  /** every account's balance minus the sum of its entries (should all be zero) */
  driftedAccounts: Array<{ account: string; balance: Nanos; entries: Nanos }>;
  /** all entries together (should be zero) */
  sum: Nanos;
  negativeAccounts: string[];
  unbalancedTransactions: string[];
  /** closed epochs whose stored report differs from what the ledger and usage records say now */
  epochMismatches: Array<{ epoch: number; field: string; report: string; ledger: string }>;
  epochsChecked: number;
  accountsChecked: number;
  transactionsChecked: number;
};

/** Epochs and settlement: what `settleEpochs` needs. */
export type EpochStore = {
  /** the first epoch, starting now, when there is none */
  ensureFirstEpoch(nowMs: number, lengthMs: number): Promise<void>;
  /**
   * Closes the oldest open epoch that ended at or before cutoffMs, in one transaction: its report, its miss slashes
   * under `bonds` (planEpochClose) and the next epoch (starting where it ended). Undefined when none has ended.
   */
  closeNextEpoch(cutoffMs: number, nextLengthMs: number, bonds: BondRules): Promise<EpochRow | undefined>;
  /** closed epochs, numbers up to `through`, whose earnings are not released yet, oldest first */
  unreleasedEpochs(through: number): Promise<EpochRow[]>;
  /** moves one host's earnings of the epoch to its payable balance (at most what its earnings hold); idempotent */
  releaseHostEarnings(epoch: number, hostId: string, earned: Nanos): Promise<void>;
  markReleased(epoch: number): Promise<void>;
  /** unbondings whose release epoch has closed become payable; idempotent */
  releaseUnbondings(closedEpoch: number): Promise<number>;
  latestClosedEpoch(): Promise<number | undefined>;
  /** the open epoch's number; undefined before the first */
  currentEpoch(): Promise<number | undefined>;
  listEpochs(limit: number): Promise<EpochRow[]>;
  findEpoch(number: number): Promise<EpochRow | undefined>;
};

/** A host's funds, bonds, payouts and top-ups: what the funds use cases need. */
export type FundsStore = {
  hostFunds(hostId: string): Promise<HostFunds>;
  /** moves payable to bond; false when the payable balance is short (nothing moves) */
  postBond(id: string, hostId: string, amount: Nanos): Promise<boolean>;
  /** moves bond to unbonding until the release epoch closes; false when the bond is short */
  requestUnbonding(unbonding: {
    id: string;
    hostId: string;
    amount: Nanos;
    requestedEpoch: number;
    releaseEpoch: number;
  }): Promise<boolean>;
  listUnbondings(hostId: string): Promise<UnbondingRow[]>;

  /** moves the amount (all of the payable balance when undefined) aside for the provider; undefined when short or zero */
  requestPayout(payout: {
    id: string;
    hostId: string;
    amount: Nanos | undefined;
    provider: string;
  }): Promise<PayoutRow | undefined>;
  /** paid: the money leaves the market; failed: it goes back to payable. Only a requested payout settles, once. */
  settlePayout(id: string, outcome: 'paid' | 'failed', reference: string): Promise<PayoutRow | undefined>;
  listPayouts(filter: { hostId?: string; status?: PayoutRow['status'] }): Promise<PayoutRow[]>;

  createTopUp(topUp: {
    id: string;
    accountId: string | null;
    hostId: string | null;
    amount: Nanos;
    provider: string;
    reference: string;
  }): Promise<TopUpRow>;
  /** credits the buyer (or the host's bond) once; a confirmed or cancelled top-up is returned unchanged */
  settleTopUp(id: string, outcome: 'confirmed' | 'cancelled', reference: string): Promise<TopUpRow | undefined>;
  listTopUps(filter: { accountId?: string; hostId?: string; status?: TopUpRow['status'] }): Promise<TopUpRow[]>;
};

export type LedgerCheckStore = { checkLedger(): Promise<LedgerCheck> };

/** The whole aggregate, as the composition root builds it and the economics routes read it. */
export type EconomicsStore = EpochStore & FundsStore & LedgerCheckStore;
