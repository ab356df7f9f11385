// The one ledger writer: every store that moves money applies its plan's transactions here. It takes only
// `PlannedTransaction`s (built in src/domain, see docs/money.md), one row per transaction (its idempotency key unique)
// and one row per entry. Balances, the non-negative rule and the zero-sum rule are then enforced by the database's
// statement-level trigger (migration 012), which sees each statement's entries together: ALL entries of a
// transaction must be inserted in ONE statement, never split across statements (a part alone does not balance).
import type { Transaction } from 'kysely';
import type { PlannedTransaction } from '../../domain/ledger/transaction.ts';
import type { SlashRecord } from '../../domain/money/slash-record.ts';
import type { LedgerAccountKind, Schema } from './schema.ts';

/**
 * Writes ledger transactions in two statements whatever their number (one for the transactions, one for all their
 * entries: every transaction's entries in that one statement, as the trigger requires). Returns the idempotency keys written now; a key already in the ledger is a retry and writes nothing.
 */
export async function writeLedgerTransactions(
  trx: Transaction<Schema>,
  txs: readonly PlannedTransaction[],
): Promise<Set<string>> {
  if (txs.length === 0) return new Set();
  const inserted = await trx
    .insertInto('ledger_transactions')
    .values(txs.map((tx) => ({ idempotency_key: tx.idempotencyKey, kind: tx.kind })))
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning(['id', 'idempotency_key'])
    .execute();
  const ids = new Map(inserted.map((row) => [row.idempotency_key, row.id]));
  const entries = txs.flatMap((tx) => {
    const id = ids.get(tx.idempotencyKey);
    return id === undefined
      ? []
      : tx.entries.map((e) => ({ transaction_id: id, ledger_account_id: e.account, amount: e.amount }));
  });
  if (entries.length > 0) await trx.insertInto('ledger_entries').values(entries).execute();
  return new Set(ids.keys());
}

/** Returns false when a transaction with this idempotency key was already written (a retry: nothing happens). */
export async function writeLedgerTransaction(trx: Transaction<Schema>, tx: PlannedTransaction): Promise<boolean> {
  return (await writeLedgerTransactions(trx, [tx])).has(tx.idempotencyKey);
}

export async function ensureLedgerAccount(
  trx: Transaction<Schema>,
  id: string,
  ownerId: string | null,
  kind: LedgerAccountKind,
): Promise<void> {
  const asset = kind === 'gov_units' || kind === 'gov_supply' || kind === 'gov_treasury' ? 'governance_unit' : 'credit';
  await trx
    .insertInto('ledger_accounts')
    .values({ id, owner_id: ownerId, kind, asset })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** The slash rows a plan returned beside its slash transactions. */
export async function insertSlashes(trx: Transaction<Schema>, slashes: readonly SlashRecord[]): Promise<void> {
  if (slashes.length === 0) return;
  await trx
    .insertInto('slashes')
    .values(slashes.map((s) => ({ id: s.id, host_id: s.hostId, reason: s.reason, cause: s.cause, amount: s.amount })))
    .execute();
}
