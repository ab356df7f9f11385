// Budget leases as money movements: a lease moves credits into the account's holds (its size and the spend limits
// it must respect are `planLeaseGrant`'s and `treeHeadroom`'s rules), a shrink gives part of a lease still in use
// back to the credits, and a return (the lease's end, or its reclaim after its holder died) gives back the rest.
// The store locks the account's ledger rows and loads its keys, then applies what these return.
import { treeHeadroom, type KeyNode } from '../limits/key-tree-limits.ts';
import { planLeaseGrant } from '../ledger/lease-grant.ts';
import { ledgerAccount, transfer, type PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from './nanos.ts';

export type LeaseAsk = { leaseId: string; keyId: string; accountId: string; needNanos: Nanos; chunkNanos: Nanos };
/** Every key of the account, read in one snapshot; `inactive`: revoked or expired. */
export type AccountKey = KeyNode & { inactive: boolean };

export type LeasePlan =
  | { ok: true; amount: Nanos; transaction: PlannedTransaction }
  | { ok: false; reason: 'spend_limit'; remainingNanos: Nanos }
  | { ok: false; reason: 'insufficient_funds' | 'key_inactive' };

export function planLease(ask: LeaseAsk, facts: { creditsNanos: Nanos; keys: readonly AccountKey[] }): LeasePlan {
  const key = facts.keys.find((k) => k.id === ask.keyId);
  if (!key || key.inactive) return { ok: false, reason: 'key_inactive' };
  const grant = planLeaseGrant({
    needNanos: ask.needNanos,
    chunkNanos: ask.chunkNanos,
    creditsNanos: facts.creditsNanos,
    headroomNanos: treeHeadroom(facts.keys, ask.keyId),
  });
  if (!grant.ok) return grant;
  return {
    ok: true,
    amount: grant.amount,
    transaction: transfer(
      `lease:${ask.leaseId}`,
      'lease',
      ledgerAccount.credits(ask.accountId),
      ledgerAccount.holds(ask.accountId),
      grant.amount,
    ),
  };
}

/**
 * Part of a lease in use goes back to the credits; the lease shrinks by `amount` only if the transaction is new (its
 * key is the shrink's id, so a retried batch moves it once). Undefined: nothing to give back.
 */
export function planLeaseShrink(
  shrinkId: string,
  accountId: string,
  amount: Nanos,
): { transaction: PlannedTransaction; leaseShrinksBy: Nanos } | undefined {
  if (amount <= 0n) return undefined;
  const transaction = transfer(
    `lease-shrink:${shrinkId}`,
    'lease_return',
    ledgerAccount.holds(accountId),
    ledgerAccount.credits(accountId),
    amount,
  );
  return { transaction, leaseShrinksBy: amount };
}

/** What is left of a lease at its end goes back to the credits; undefined when nothing is left. */
export function planLeaseReturn(leaseId: string, accountId: string, leftNanos: Nanos): PlannedTransaction | undefined {
  if (leftNanos <= 0n) return undefined;
  return transfer(
    `lease-return:${leaseId}`,
    'lease_return',
    ledgerAccount.holds(accountId),
    ledgerAccount.credits(accountId),
    leftNanos,
  );
}
