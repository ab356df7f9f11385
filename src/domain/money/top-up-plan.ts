// Money into the market: a confirmed top-up credits a buyer's account, or posts a host's bond, from the market's
// funding account (the other side of the payment the provider received). Once: the idempotency key is the top-up's.
import { ledgerAccount, transfer, type PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from './nanos.ts';

export type TopUpTarget = { accountId: string; hostId: null } | { accountId: null; hostId: string };

/** `to`: the ledger account credited, and whether it is a buyer's credits or a host's bond. */
export function planTopUpConfirmation(topUp: { id: string; amount: Nanos } & TopUpTarget): {
  to: { id: string; kind: 'credits' | 'host_bond' };
  transaction: PlannedTransaction;
} {
  const to =
    topUp.accountId !== null
      ? { id: ledgerAccount.credits(topUp.accountId), kind: 'credits' as const }
      : { id: ledgerAccount.hostBond(topUp.hostId), kind: 'host_bond' as const };
  return { to, transaction: transfer(`topup:${topUp.id}`, 'topup', ledgerAccount.funding, to.id, topUp.amount) };
}
