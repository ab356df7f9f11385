// The ledger's rules enforced once per statement instead of once per entry (decision 018): each request's entries
// fired a plpgsql balance update and a deferred per-row zero-sum check, ~16 statements inside the database per paid
// request. One statement-level trigger over the inserted rows (a transition table) now checks that every
// transaction in the statement sums to zero and moves each account's balance by its net amount in one UPDATE.
// That is exact only because the one writer (ledger-writes.ts) inserts ALL entries of a transaction in ONE statement:
// a transaction's entries must never be split across statements (a part alone does not balance and is refused).
// The append-only trigger (001) is unchanged.
import { sql, type Kysely } from 'kysely';

// One statement per entry: PGlite's extended protocol runs a single statement per query.
const STATEMENTS = [
  `drop trigger ledger_entries_apply on ledger_entries`,
  `drop trigger ledger_entries_balanced on ledger_entries`,
  `drop function ledger_apply_entry()`,
  `drop function ledger_check_balanced()`,
  `
    -- Runs after each statement inserting ledger entries; new_entries holds exactly the rows it inserted.
    -- Zero-sum: summed over the statement's rows only. Every earlier statement left each of its transactions summing
    -- to zero, and a transaction's entries all come in one statement, so this is the transaction's whole sum.
    -- Balances: the accounts are locked in id order first (two writers on PostgreSQL never deadlock), then each moves
    -- by its net amount in the statement; the non-negative check (ledger_balance_not_negative, 001) sees that net.
    create function ledger_apply_entries() returns trigger language plpgsql as $$
    declare unbalanced record;
    begin
      select transaction_id, sum(amount) as total into unbalanced
        from new_entries group by transaction_id having sum(amount) <> 0 limit 1;
      if found then
        raise exception 'LEDGER_UNBALANCED: transaction % sums to %', unbalanced.transaction_id, unbalanced.total;
      end if;
      perform 1 from ledger_accounts where id in (select ledger_account_id from new_entries) order by id for update;
      update ledger_accounts set balance = balance + moved.amount
        from (select ledger_account_id, sum(amount)::bigint as amount from new_entries group by ledger_account_id) moved
        where ledger_accounts.id = moved.ledger_account_id;
      return null;
    end $$
  `,
  `
    create trigger ledger_entries_apply after insert on ledger_entries
      referencing new table as new_entries for each statement execute function ledger_apply_entries()
  `,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
