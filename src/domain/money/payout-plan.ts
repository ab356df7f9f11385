// Payouts: a host's payable balance (all of it, or the amount asked) is set aside for the payout provider; when the
// provider answers, a paid payout leaves the market and a failed one goes back to payable. Each moves once: the
// idempotency keys are the payout's id.
import { ledgerAccount, transfer, type PlannedTransaction } from '../ledger/transaction.ts';
import { coveredTransfer } from './covered-transfer.ts';
import type { Nanos } from './nanos.ts';

/** Undefined when the payable balance is short or the payout would be zero. */
export function planPayoutRequest(
  payoutId: string,
  hostId: string,
  asked: Nanos | undefined,
  payableBalance: Nanos,
): { amount: Nanos; transaction: PlannedTransaction } | undefined {
  const amount = asked ?? payableBalance;
  const transaction = coveredTransfer(
    {
      idempotencyKey: `payout:${payoutId}`,
      kind: 'payout',
      from: ledgerAccount.hostPayable(hostId),
      to: ledgerAccount.hostPayout(hostId),
    },
    amount,
    payableBalance,
  );
  return transaction && { amount, transaction };
}

export function planPayoutSettlement(
  payout: { id: string; hostId: string; amount: Nanos },
  outcome: 'paid' | 'failed',
): PlannedTransaction {
  const to = outcome === 'paid' ? ledgerAccount.paidOut : ledgerAccount.hostPayable(payout.hostId);
  return transfer(
    `payout-${outcome}:${payout.id}`,
    `payout_${outcome}`,
    ledgerAccount.hostPayout(payout.hostId),
    to,
    payout.amount,
  );
}
