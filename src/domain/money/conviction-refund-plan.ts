// Refunds and the slash on a conviction: every response the host served for the SKU since its last passed check
// goes back to the buyer who paid for it, to the nano-unit. The money comes first from the host's unpaid earnings
// (clawed back), then its bond (posted, then unbonding), then the market's treasury, and the market's funding covers
// what is left — a buyer is never short. Then a share of what is left of the bond is slashed to the treasury.
// The store loads the facts (the host's unrefunded paid responses since its last passed check, the four sources'
// balances, all locked) and applies the plan; the simulator runs the same plan on its in-memory ledger.
import { ledgerAccount, plannedTransaction, type LedgerEntry, type PlannedTransaction } from '../ledger/transaction.ts';
import { BASIS_POINTS, type Nanos } from './nanos.ts';
import type { SlashRecord } from './slash-record.ts';

export type RefundableResponse = { requestId: string; accountId: string; cost: Nanos };
export type RefundSources = { hostEarnings: Nanos; hostBond: Nanos; hostUnbonding: Nanos; treasury: Nanos };
export type RefundPlan = {
  transactions: PlannedTransaction[];
  /** the responses refunded now (their usage records are marked with the conviction) */
  refundedRequestIds: string[];
  /** the slash of what was left of the bond, when there was any */
  slash: SlashRecord | undefined;
  total: Nanos;
  fromHost: Nanos;
  /** from the bond and the bond being unbonded */
  fromBond: Nanos;
  fromTreasury: Nanos;
  fromFunding: Nanos;
  /** what was left of the bond times the slash share, moved to the treasury */
  slashed: Nanos;
};

const positive = (n: Nanos): Nanos => (n > 0n ? n : 0n);
const least = (a: Nanos, b: Nanos): Nanos => (a < b ? a : b);

/** Takes `amount` from the sources in their order; returns the entries (negative) and what each gave. */
function drawFrom(
  sources: Array<{ account: string; left: Nanos }>,
  amount: Nanos,
): { entries: LedgerEntry[]; taken: Nanos[] } {
  let owed = amount;
  const taken = sources.map((source) => {
    const take = least(owed, source.left);
    source.left -= take;
    owed -= take;
    return take;
  });
  return {
    entries: sources
      .map((s, i) => ({ account: s.account, amount: -(taken[i] as Nanos) }))
      .filter((e) => e.amount !== 0n),
    taken,
  };
}

export function planRefunds(
  convictionId: string,
  hostId: string,
  responses: readonly RefundableResponse[],
  available: RefundSources,
  slashBps: bigint,
): RefundPlan {
  const paid = responses.filter((r) => r.cost > 0n);
  const owed = new Map<string, Nanos>();
  for (const r of paid) owed.set(r.accountId, (owed.get(r.accountId) ?? 0n) + r.cost);
  const sources = [
    { account: ledgerAccount.hostEarnings(hostId), left: positive(available.hostEarnings) },
    { account: ledgerAccount.hostBond(hostId), left: positive(available.hostBond) },
    { account: ledgerAccount.hostUnbonding(hostId), left: positive(available.hostUnbonding) },
    { account: ledgerAccount.treasury, left: positive(available.treasury) },
  ];
  const plan: RefundPlan = {
    transactions: [],
    refundedRequestIds: paid.map((r) => r.requestId),
    slash: undefined,
    total: 0n,
    fromHost: 0n,
    fromBond: 0n,
    fromTreasury: 0n,
    fromFunding: 0n,
    slashed: 0n,
  };
  for (const [accountId, amount] of [...owed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { entries, taken } = drawFrom(sources, amount);
    const [fromHost = 0n, fromBond = 0n, fromUnbonding = 0n, fromTreasury = 0n] = taken;
    const fromFunding = amount - fromHost - fromBond - fromUnbonding - fromTreasury;
    if (fromFunding > 0n) entries.push({ account: ledgerAccount.funding, amount: -fromFunding });
    plan.transactions.push(
      plannedTransaction({
        idempotencyKey: `refund:${convictionId}:${accountId}`,
        kind: 'refund',
        entries: [...entries, { account: ledgerAccount.credits(accountId), amount }],
      }),
    );
    plan.total += amount;
    plan.fromHost += fromHost;
    plan.fromBond += fromBond + fromUnbonding;
    plan.fromTreasury += fromTreasury;
    plan.fromFunding += fromFunding;
  }
  const bond = sources.slice(1, 3);
  const slash = (bond.reduce((sum, s) => sum + s.left, 0n) * slashBps) / BASIS_POINTS;
  if (slash > 0n) {
    const { entries } = drawFrom(bond, slash);
    plan.transactions.push(
      plannedTransaction({
        idempotencyKey: `slash:${convictionId}`,
        kind: 'slash',
        entries: [...entries, { account: ledgerAccount.treasury, amount: slash }],
      }),
    );
    plan.slashed = slash;
    plan.slash = { id: `slash-${convictionId}`, hostId, reason: 'conviction', cause: convictionId, amount: slash };
  }
  return plan;
}
