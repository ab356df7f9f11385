// The simulator's ledger: balances in memory, moved only by the planned transactions of src/domain/money — the
// same plans the market's stores apply to its SQL ledger. Each plan is applied once by construction (the
// simulator never retries), so idempotency keys are not tracked; balances may go negative (buyers' holds and the
// funding account stand for money from outside the simulation).
import type { PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from '../money/nanos.ts';

export type SimLedger = {
  apply(transaction: PlannedTransaction | undefined): void;
  balance(account: string): Nanos;
};

export function createSimLedger(): SimLedger {
  const balances = new Map<string, Nanos>();
  return {
    apply(transaction) {
      for (const entry of transaction?.entries ?? [])
        balances.set(entry.account, (balances.get(entry.account) ?? 0n) + entry.amount);
    },
    balance: (account) => balances.get(account) ?? 0n,
  };
}
