// Writing a ledger transaction the domain built: one row per transaction (its idempotency key unique), one row per
// entry. Balances, the non-negative rule and the zero-sum rule are then enforced by the database's triggers.
import type { Transaction } from 'kysely';
import type { LedgerTransaction } from '../../domain/ledger/transaction.ts';
import type { LedgerAccountKind, Schema } from './schema.ts';

/** Returns false when a transaction with this idempotency key was already written (a retry: nothing happens). */
export async function writeLedgerTransaction(trx: Transaction<Schema>, tx: LedgerTransaction): Promise<boolean> {
  const inserted = await trx
    .insertInto('ledger_transactions')
    .values({ idempotency_key: tx.idempotencyKey, kind: tx.kind })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await trx
    .insertInto('ledger_entries')
    .values(tx.entries.map((e) => ({ transaction_id: inserted.id, ledger_account_id: e.account, amount: e.amount })))
    .execute();
  return true;
}

export async function ensureLedgerAccount(
  trx: Transaction<Schema>,
  id: string,
  ownerId: string | null,
  kind: LedgerAccountKind,
): Promise<void> {
  await trx.insertInto('ledger_accounts').values({ id, owner_id: ownerId, kind }).onConflict((oc) => oc.column('id').doNothing()).execute();
}


