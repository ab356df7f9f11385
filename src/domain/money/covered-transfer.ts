// A transfer out of a host's own account that happens only when the account covers it: a host cannot bond, unbond
// or be paid out more than it holds. Shared by the bond and payout plans.
import { transfer, type PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from './nanos.ts';

/** Undefined (nothing moves) when the amount is not positive or the balance is short. */
export function coveredTransfer(
  move: { idempotencyKey: string; kind: string; from: string; to: string },
  amount: Nanos,
  fromBalance: Nanos,
): PlannedTransaction | undefined {
  if (amount <= 0n || fromBalance < amount) return undefined;
  return transfer(move.idempotencyKey, move.kind, move.from, move.to, amount);
}
