// Delegation of governance units (docs/decisions/032-governance.md): one delegation per delegator, revocable, with an
// optional last epoch; each checkpoint records the delegate a holder had at that epoch, so a vote's power is fixed
// by the snapshot like its units.
import { sql, type Kysely } from 'kysely';

const STATEMENTS = [
  `create table governance_delegations (
    delegator_account_id text primary key references accounts(id),
    delegate_account_id text not null references accounts(id),
    until_epoch integer,
    created_epoch integer not null,
    created_at timestamptz not null default now(),
    check (delegator_account_id <> delegate_account_id)
  )`,
  `alter table governance_checkpoints add column delegate_account_id text`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
