// Governance (issue 21, docs/decisions/032-governance.md): the market parameters' current values and the proposal
// that last set each; the governance unit as a ledger asset of its own (its accounts carry asset
// 'governance_unit', and the ledger trigger now checks that every transaction sums to zero per asset, so no
// transaction can turn credits into votes); balances checkpointed per epoch; proposals, votes and the audit trail of
// every step.
import { sql, type Kysely } from 'kysely';

// One statement per entry: PGlite's extended protocol runs a single statement per query.
const STATEMENTS = [
  `create table market_parameters (
    name text primary key,
    value text not null,
    set_by_proposal text,
    set_in_epoch integer,
    updated_at timestamptz not null default now()
  )`,
  `alter table ledger_accounts add column asset text not null default 'credit'
    check (asset in ('credit', 'governance_unit'))`,
  `alter table ledger_accounts drop constraint ledger_accounts_kind_check`,
  `alter table ledger_accounts add constraint ledger_accounts_kind_check check (kind in (
    'credits', 'holds', 'host_earnings', 'host_payable', 'host_bond', 'host_unbonding', 'host_payout',
    'platform_fees', 'treasury', 'funding', 'paid_out', 'gov_units', 'gov_supply', 'gov_treasury'))`,
  // A governance account holds only units, a credit account only credits.
  `alter table ledger_accounts add constraint ledger_accounts_asset_kind check (
    (asset = 'governance_unit') = (kind in ('gov_units', 'gov_supply', 'gov_treasury')))`,
  `insert into ledger_accounts (id, owner_id, kind, allow_negative, asset) values
    ('market:gov_supply', 'market', 'gov_supply', true, 'governance_unit'),
    ('market:gov_treasury', 'market', 'gov_treasury', false, 'governance_unit')`,
  // As 012's function, with the zero-sum check per transaction and asset (the accounts' asset joined in).
  `create or replace function ledger_apply_entries() returns trigger language plpgsql as $$
    declare unbalanced record;
    begin
      select e.transaction_id, a.asset, sum(e.amount) as total into unbalanced
        from new_entries e join ledger_accounts a on a.id = e.ledger_account_id
        group by e.transaction_id, a.asset having sum(e.amount) <> 0 limit 1;
      if found then
        raise exception 'LEDGER_UNBALANCED: transaction % sums to % in %', unbalanced.transaction_id,
          unbalanced.total, unbalanced.asset;
      end if;
      perform 1 from ledger_accounts where id in (select ledger_account_id from new_entries) order by id for update;
      update ledger_accounts set balance = balance + moved.amount
        from (select ledger_account_id, sum(amount)::bigint as amount from new_entries group by ledger_account_id) moved
        where ledger_accounts.id = moved.ledger_account_id;
      return null;
    end $$`,
  `create table governance_epochs (
    epoch integer primary key check (epoch >= 0),
    total_units bigint not null,
    checkpointed_at timestamptz not null default now()
  )`,
  `create table governance_checkpoints (
    epoch integer not null references governance_epochs(epoch),
    account_id text not null references accounts(id),
    units bigint not null check (units > 0),
    primary key (epoch, account_id)
  )`,
  `create table governance_proposals (
    id text primary key,
    proposer_account_id text not null references accounts(id),
    kind text not null check (kind in ('parameter_change')),
    payload jsonb not null,
    created_epoch integer not null,
    voting_starts_epoch integer not null,
    voting_ends_epoch integer not null check (voting_ends_epoch > voting_starts_epoch),
    quorum_bps integer not null,
    timelock_epochs integer not null,
    queued_epoch integer,
    executable_epoch integer,
    executed_epoch integer,
    canceled_epoch integer,
    canceled_reason text,
    execution_diff jsonb,
    created_at timestamptz not null default now()
  )`,
  `create index governance_proposals_proposer on governance_proposals (proposer_account_id)`,
  `create table governance_votes (
    proposal_id text not null references governance_proposals(id),
    voter_account_id text not null references accounts(id),
    support text not null check (support in ('for', 'against', 'abstain')),
    power bigint not null check (power >= 0),
    cast_epoch integer not null,
    cast_at timestamptz not null default now(),
    primary key (proposal_id, voter_account_id)
  )`,
  `create table governance_events (
    id bigserial primary key,
    proposal_id text references governance_proposals(id),
    kind text not null,
    epoch integer not null,
    detail jsonb not null,
    created_at timestamptz not null default now()
  )`,
  `create index governance_events_proposal on governance_events (proposal_id, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
