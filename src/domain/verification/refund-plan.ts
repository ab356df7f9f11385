// Refunds on a conviction: every response the host served for the SKU since its last passed check goes back to
// the buyer who paid for it, to the nano-unit. The money comes first from the host's unpaid earnings (clawed back),
// then from the market's treasury, and the market's funding covers what is left — a buyer is never short.
import { assertBalanced, ledgerAccount, type LedgerEntry, type LedgerTransaction } from '../ledger/transaction.ts';
import type { Nanos } from '../money/nanos.ts';

export type RefundableResponse = { requestId: string; accountId: string; cost: Nanos };
export type RefundSources = { hostEarnings: Nanos; treasury: Nanos };
export type RefundPlan = { transactions: LedgerTransaction[]; total: Nanos; fromHost: Nanos; fromTreasury: Nanos; fromFunding: Nanos };

export function planRefunds(convictionId: string, hostId: string, responses: readonly RefundableResponse[], available: RefundSources): RefundPlan {
  const owed = new Map<string, Nanos>();
  for (const r of responses) if (r.cost > 0n) owed.set(r.accountId, (owed.get(r.accountId) ?? 0n) + r.cost);
  let hostLeft = available.hostEarnings > 0n ? available.hostEarnings : 0n;
  let treasuryLeft = available.treasury > 0n ? available.treasury : 0n;
  const plan: RefundPlan = { transactions: [], total: 0n, fromHost: 0n, fromTreasury: 0n, fromFunding: 0n };
  for (const [accountId, amount] of [...owed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const fromHost = amount < hostLeft ? amount : hostLeft;
    const fromTreasury = amount - fromHost < treasuryLeft ? amount - fromHost : treasuryLeft;
    const fromFunding = amount - fromHost - fromTreasury;
    hostLeft -= fromHost;
    treasuryLeft -= fromTreasury;
    const entries: LedgerEntry[] = [
      { account: ledgerAccount.hostEarnings(hostId), amount: -fromHost },
      { account: ledgerAccount.treasury, amount: -fromTreasury },
      { account: ledgerAccount.funding, amount: -fromFunding },
      { account: ledgerAccount.credits(accountId), amount },
    ].filter((e) => e.amount !== 0n);
    plan.transactions.push(assertBalanced({ idempotencyKey: `refund:${convictionId}:${accountId}`, kind: 'refund', entries }));
    plan.total += amount;
    plan.fromHost += fromHost;
    plan.fromTreasury += fromTreasury;
    plan.fromFunding += fromFunding;
  }
  return plan;
}
