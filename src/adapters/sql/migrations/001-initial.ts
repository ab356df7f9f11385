// The first schema: accounts, the double-entry ledger (balanced per transaction and never negative, both enforced
// by PostgreSQL itself), API keys, budget leases, hosts, models and usage records.
import { sql, type Kysely } from 'kysely';

// One statement per entry: PGlite's extended protocol runs a single statement per query.
const STATEMENTS = [
  `
    create table accounts (id text primary key, name text not null, created_at timestamptz not null default now())
  `,
  `
    create table ledger_accounts (
      id text primary key,
      owner_id text references accounts(id),
      kind text not null check (kind in ('credits', 'holds', 'host_earnings', 'platform_fees', 'treasury', 'funding')),
      balance bigint not null default 0,
      allow_negative boolean not null default false,
      constraint ledger_balance_not_negative check (allow_negative or balance >= 0)
    )
  `,
  `
    create unique index ledger_accounts_owner_kind on ledger_accounts (owner_id, kind) where owner_id is not null
  `,
  `
    create table ledger_transactions (
      id bigserial primary key,
      idempotency_key text not null unique,
      kind text not null,
      created_at timestamptz not null default now()
    )
  `,
  `
    create table ledger_entries (
      transaction_id bigint not null references ledger_transactions(id),
      ledger_account_id text not null references ledger_accounts(id),
      amount bigint not null check (amount <> 0)
    )
  `,
  `
    create index ledger_entries_transaction on ledger_entries (transaction_id)
  `,
  `
    create index ledger_entries_account on ledger_entries (ledger_account_id)
  `,
  `
    -- Balances follow entries in the same statement, so the non-negative check sees every movement.
    create function ledger_apply_entry() returns trigger language plpgsql as $$
    begin
      update ledger_accounts set balance = balance + new.amount where id = new.ledger_account_id;
      return new;
    end $$
  `,
  `
    create trigger ledger_entries_apply after insert on ledger_entries for each row execute function ledger_apply_entry()
  `,
  `
    -- Checked at commit: every transaction's entries sum to zero.
    create function ledger_check_balanced() returns trigger language plpgsql as $$
    declare total numeric;
    begin
      select coalesce(sum(amount), 0) into total from ledger_entries where transaction_id = new.transaction_id;
      if total <> 0 then
        raise exception 'LEDGER_UNBALANCED: transaction % sums to %', new.transaction_id, total;
      end if;
      return null;
    end $$
  `,
  `
    create constraint trigger ledger_entries_balanced after insert on ledger_entries
      deferrable initially deferred for each row execute function ledger_check_balanced()
  `,
  `
    create function ledger_forbid_change() returns trigger language plpgsql as $$
    begin
      raise exception 'LEDGER_APPEND_ONLY: ledger entries are never updated or deleted';
    end $$
  `,
  `
    create trigger ledger_entries_append_only before update or delete on ledger_entries
      for each row execute function ledger_forbid_change()
  `,
  `
    create table api_keys (
      id text primary key,
      account_id text not null references accounts(id),
      parent_key_id text references api_keys(id),
      name text not null,
      prefix text not null unique,
      hash text not null unique,
      role text not null check (role in ('buyer', 'operator')),
      models text[],
      spend_limit_total bigint check (spend_limit_total >= 0),
      spend_limit_daily bigint check (spend_limit_daily >= 0),
      spent_total bigint not null default 0,
      expires_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )
  `,
  `
    create index api_keys_updated on api_keys (updated_at)
  `,
  `
    create table key_daily_spend (
      key_id text not null references api_keys(id),
      day date not null,
      spent bigint not null,
      primary key (key_id, day)
    )
  `,
  `
    create table budget_leases (
      id text primary key,
      key_id text not null references api_keys(id),
      account_id text not null references accounts(id),
      instance_id text not null,
      amount bigint not null check (amount >= 0),
      expires_at timestamptz not null
    )
  `,
  `
    create index budget_leases_key on budget_leases (key_id)
  `,
  `
    create table hosts (
      id text primary key,
      name text not null,
      base_url text not null,
      engine_kind text not null,
      created_at timestamptz not null default now()
    )
  `,
  `
    create table models (
      id text primary key,
      name text not null,
      context_length integer not null,
      prompt_price bigint not null check (prompt_price >= 0),
      completion_price bigint not null check (completion_price >= 0),
      default_max_tokens integer not null,
      max_tokens_cap integer not null,
      tokenizer_dir text not null,
      digest text not null,
      quantization text not null,
      created_at timestamptz not null default now()
    )
  `,
  `
    create table model_hosts (
      model_id text not null references models(id),
      host_id text not null references hosts(id),
      upstream_model text not null,
      primary key (model_id, host_id)
    )
  `,
  `
    create table usage_records (
      request_id text primary key,
      account_id text not null references accounts(id),
      key_id text not null references api_keys(id),
      key_prefix text not null,
      model_id text not null,
      host_id text,
      prompt_tokens integer not null,
      completion_tokens integer not null,
      prompt_price bigint not null,
      completion_price bigint not null,
      cost bigint not null,
      status text not null,
      created_at timestamptz not null default now()
    )
  `,
  `
    create index usage_records_account on usage_records (account_id, created_at)
  `,
  `
    create table settings (key text primary key, value text not null)
  `,
  `
    insert into accounts (id, name) values ('market', 'the market itself')
  `,
  `
    insert into ledger_accounts (id, owner_id, kind, allow_negative) values
      ('market:funding', 'market', 'funding', true),
      ('market:platform_fees', 'market', 'platform_fees', false),
      ('market:treasury', 'market', 'treasury', false)
  `,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
