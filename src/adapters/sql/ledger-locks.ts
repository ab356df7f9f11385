// Reading ledger balances a plan decides on: each row locked (FOR UPDATE) so that no other transaction moves it
// between the read and the write of the plan's transactions.
import type { Transaction } from 'kysely';
import type { Nanos } from '../../domain/money/nanos.ts';
import type { Schema } from './schema.ts';

/** 0 for an account not opened yet. */
export async function lockedBalance(trx: Transaction<Schema>, account: string): Promise<Nanos> {
  return (
    (await trx.selectFrom('ledger_accounts').select('balance').where('id', '=', account).forUpdate().executeTakeFirst())
      ?.balance ?? 0n
  );
}

/** Several accounts' balances, locked in one statement (ordered by id, so two such locks never deadlock). */
export async function lockedBalances(
  trx: Transaction<Schema>,
  accounts: readonly string[],
): Promise<ReadonlyMap<string, Nanos>> {
  if (accounts.length === 0) return new Map();
  const rows = await trx
    .selectFrom('ledger_accounts')
    .select(['id', 'balance'])
    .where('id', 'in', [...accounts])
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, r.balance]));
}
