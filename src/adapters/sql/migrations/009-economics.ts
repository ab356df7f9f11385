// Economics: demand prices per model (the controller's exact state and its history), epochs with their reports,
// host payable balances, bonds and unbonding, payouts, and top-ups through a payment provider.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ledger_accounts drop constraint ledger_accounts_kind_check`.execute(db);
  await sql`
    alter table ledger_accounts add constraint ledger_accounts_kind_check check (kind in (
      'credits', 'holds', 'host_earnings', 'host_payable', 'host_bond', 'host_unbonding', 'host_payout',
      'platform_fees', 'treasury', 'funding', 'paid_out'))`.execute(db);
  await sql`insert into ledger_accounts (id, owner_id, kind) values ('market:paid_out', 'market', 'paid_out')`.execute(
    db,
  );
  await sql`create index ledger_transactions_created on ledger_transactions (created_at)`.execute(db);
  await sql`create index usage_records_created on usage_records (created_at)`.execute(db);
  // Prices in millionths of a nano-unit: a bounded step still moves a price of a few nano-units.
  await sql`
    create table model_pricing (
      model_id text primary key references models(id),
      prompt_floor bigint not null check (prompt_floor >= 0),
      completion_floor bigint not null check (completion_floor >= 0),
      prompt_precise bigint not null check (prompt_precise >= 0),
      completion_precise bigint not null check (completion_precise >= 0),
      busy_ms bigint not null default 0,
      utilization double precision,
      updated_at timestamptz not null default now(),
      -- a new model's first window opens at the next repricing tick
      next_update_at timestamptz not null default 'epoch'
    )`.execute(db);
  await sql`
    insert into model_pricing (model_id, prompt_floor, completion_floor, prompt_precise, completion_precise)
      select id, prompt_price / 2, completion_price / 2, prompt_price * 1000000, completion_price * 1000000 from models`.execute(
    db,
  );
  await sql`
    create table price_history (
      id bigserial primary key,
      model_id text not null references models(id),
      at timestamptz not null,
      prompt_price bigint not null,
      completion_price bigint not null,
      utilization double precision not null
    )`.execute(db);
  await sql`alter table convictions add column from_bond bigint not null default 0, add column slashed bigint not null default 0`.execute(
    db,
  );
  await sql`create index price_history_model on price_history (model_id, at)`.execute(db);
  await sql`
    create table epochs (
      number integer primary key check (number >= 0),
      starts_at timestamptz not null,
      ends_at timestamptz not null check (ends_at > starts_at),
      opening_misses jsonb not null,
      report jsonb,
      closed_at timestamptz,
      released_at timestamptz
    )`.execute(db);
  await sql`
    create table topups (
      id text primary key,
      account_id text references accounts(id),
      host_id text references hosts(id),
      amount bigint not null check (amount > 0),
      provider text not null,
      reference text not null,
      status text not null default 'pending' check (status in ('pending', 'confirmed', 'cancelled')),
      created_at timestamptz not null default now(),
      settled_at timestamptz,
      check ((account_id is null) <> (host_id is null))
    )`.execute(db);
  await sql`
    create table payouts (
      id text primary key,
      host_id text not null references hosts(id),
      amount bigint not null check (amount > 0),
      provider text not null,
      status text not null default 'requested' check (status in ('requested', 'paid', 'failed')),
      reference text,
      created_at timestamptz not null default now(),
      settled_at timestamptz
    )`.execute(db);
  await sql`
    create table unbondings (
      id text primary key,
      host_id text not null references hosts(id),
      amount bigint not null check (amount > 0),
      requested_epoch integer not null,
      release_epoch integer not null,
      released_at timestamptz
    )`.execute(db);
  await sql`
    create table slashes (
      id text primary key,
      host_id text not null references hosts(id),
      reason text not null check (reason in ('conviction', 'misses')),
      cause text not null,
      amount bigint not null check (amount >= 0),
      created_at timestamptz not null default now(),
      unique (host_id, reason, cause)
    )`.execute(db);
}
