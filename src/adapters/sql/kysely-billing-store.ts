// Budget leases and the billing batch writer on SQL. A lease moves credits into the account's holds in one
// transaction, within the credits and the spend limits of the key and every ancestor (the account's ledger rows are
// locked, so gateways on other instances queue behind it); a batch applies captures and lease returns and shrinks
// in order, in one transaction. What moves is decided by the plans in src/domain/money (lease-plan.ts,
// capture-plan.ts); this file locks, loads and applies.
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import type { BillingOperation, BillingWriter, LeaseOutcome, LeaseRequest, LeaseStore } from '../../app/ports.ts';
import type { Schema } from './schema.ts';
import { writeLedgerTransaction, writeLedgerTransactions } from './ledger-writes.ts';
import { utcDay } from '../../app/billing/utc-day.ts';
import { planCaptureBatch } from '../../domain/money/capture-plan.ts';
import { planLease, planLeaseReturn, planLeaseShrink, type AccountKey } from '../../domain/money/lease-plan.ts';

/**
 * Every key of the account with its own figures, read in one statement (one snapshot: a capture moves an amount from
 * a lease to a key's spend in one transaction, so leased + spent is never seen half-moved).
 */
async function accountKeys(
  trx: Transaction<Schema>,
  accountId: string,
  day: string,
  nowMs: number,
): Promise<AccountKey[]> {
  const rows = await sql<{
    id: string;
    parent_key_id: string | null;
    spend_limit_total: bigint | null;
    spend_limit_daily: bigint | null;
    spent_total: bigint;
    spent_today: bigint;
    leased: bigint;
    inactive: boolean;
  }>`
    select k.id, k.parent_key_id, k.spend_limit_total, k.spend_limit_daily, k.spent_total,
      coalesce(d.spent, 0)::bigint as spent_today,
      coalesce((select sum(b.amount) from budget_leases b where b.key_id = k.id), 0)::bigint as leased,
      (k.revoked_at is not null or (k.expires_at is not null and k.expires_at <= ${new Date(nowMs)})) as inactive
    from api_keys k left join key_daily_spend d on d.key_id = k.id and d.day = ${day}::date
    where k.account_id = ${accountId}`.execute(trx);
  return rows.rows.map((r) => ({
    id: r.id,
    parentKeyId: r.parent_key_id,
    limitTotal: r.spend_limit_total === null ? null : BigInt(r.spend_limit_total),
    limitDaily: r.spend_limit_daily === null ? null : BigInt(r.spend_limit_daily),
    spentTotal: BigInt(r.spent_total),
    spentToday: BigInt(r.spent_today),
    leased: BigInt(r.leased),
    inactive: r.inactive,
  }));
}

/**
 * Moves a lease's worth of credits into the account's holds. The account's ledger rows are locked first, so every
 * lease of the account (from any gateway process on the same PostgreSQL) is granted one at a time against the same
 * figures: the key tree's limits then hold for the key's and all its ancestors' subtrees (captures and returns only
 * ever lower leased + spent, so they need not queue).
 */
async function acquireLease(db: Kysely<Schema>, request: LeaseRequest): Promise<LeaseOutcome> {
  return db.transaction().execute(async (trx) => {
    // Holds before credits: the order a billing batch takes them in (captures touch holds, then returns and shrinks
    // move holds to credits), so a lease and a batch of the same account queue rather than deadlock.
    await trx
      .selectFrom('ledger_accounts')
      .select('id')
      .where('id', '=', ledgerAccount.holds(request.accountId))
      .forUpdate()
      .executeTakeFirstOrThrow();
    const credits = await trx
      .selectFrom('ledger_accounts')
      .select('balance')
      .where('id', '=', ledgerAccount.credits(request.accountId))
      .forUpdate()
      .executeTakeFirstOrThrow();
    const keys = await accountKeys(trx, request.accountId, utcDay(request.nowMs), request.nowMs);
    const grant = planLease(request, { creditsNanos: credits.balance, keys });
    if (!grant.ok) return grant;
    await writeLedgerTransaction(trx, grant.transaction);
    await trx
      .insertInto('budget_leases')
      .values({
        id: request.leaseId,
        key_id: request.keyId,
        account_id: request.accountId,
        instance_id: request.instanceId,
        amount: grant.amount,
        expires_at: new Date(request.expiresAtMs),
      })
      .execute();
    return { ok: true, amount: grant.amount };
  });
}

/** Gives back part of a lease: the ledger transfer is idempotent, and the lease shrinks only when it is written. */
async function shrinkLease(
  trx: Transaction<Schema>,
  op: Extract<BillingOperation, { type: 'shrink-lease' }>,
): Promise<void> {
  const lease = await trx
    .selectFrom('budget_leases')
    .select('account_id')
    .where('id', '=', op.leaseId)
    .executeTakeFirst();
  const shrink = lease && planLeaseShrink(op.id, lease.account_id, op.amount);
  if (shrink && (await writeLedgerTransaction(trx, shrink.transaction)))
    await trx
      .updateTable('budget_leases')
      .set((eb) => ({ amount: eb('amount', '-', shrink.leaseShrinksBy) }))
      .where('id', '=', op.leaseId)
      .execute();
}

async function returnLease(trx: Transaction<Schema>, leaseId: string): Promise<void> {
  const lease = await trx
    .deleteFrom('budget_leases')
    .where('id', '=', leaseId)
    .returning(['account_id', 'amount'])
    .executeTakeFirst();
  const transaction = lease && planLeaseReturn(leaseId, lease.account_id, lease.amount);
  if (transaction) await writeLedgerTransaction(trx, transaction);
}

type Capture = Extract<BillingOperation, { type: 'capture' }>;

/**
 * A batch of captures in a fixed number of statements, whatever its size: usage records, ledger transactions and
 * entries, then the per-lease, per-key and per-day spend updates summed over the batch.
 */
async function applyCaptures(trx: Transaction<Schema>, captures: readonly Capture[]): Promise<void> {
  if (captures.length === 0) return;
  const recorded = await trx
    .insertInto('usage_records')
    .values(
      captures.map(({ usage }) => ({
        request_id: usage.requestId,
        account_id: usage.accountId,
        key_id: usage.keyId,
        key_prefix: usage.keyPrefix,
        model_id: usage.modelId,
        host_id: usage.hostId,
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        prompt_price: usage.promptPrice,
        completion_price: usage.completionPrice,
        cached_tokens: usage.cachedTokens,
        reasoning_tokens: usage.reasoningTokens,
        cached_prompt_price: usage.cachedPromptPrice,
        reasoning_price: usage.reasoningPrice,
        cost: usage.cost,
        status: usage.status,
        attempts: usage.attempts,
        hedged: usage.hedged,
        request_digest: usage.receipt?.requestDigest ?? null,
        response_digest: usage.receipt?.responseDigest ?? null,
        host_signature: usage.receipt?.signature ?? null,
      })),
    )
    .onConflict((oc) => oc.column('request_id').doNothing())
    .returning('request_id')
    .execute();
  const plan = planCaptureBatch(
    captures.map((op) => ({
      requestId: op.usage.requestId,
      leaseId: op.leaseId,
      keyId: op.keyId,
      day: op.day,
      cost: op.usage.cost,
      transaction: op.transaction,
    })),
    new Set(recorded.map((r) => r.request_id)),
  );
  if (plan.transactions.length === 0) return;
  await writeLedgerTransactions(trx, plan.transactions);
  const byLease = plan.leaseSpend.map((s) => sql`(${s.leaseId}, ${s.amount}::bigint)`);
  await sql`update budget_leases set amount = amount - v.cost from (values ${sql.join(byLease)}) as v(id, cost) where budget_leases.id = v.id`.execute(
    trx,
  );
  const byKey = plan.keySpend.map((s) => sql`(${s.keyId}, ${s.amount}::bigint)`);
  await sql`update api_keys set spent_total = spent_total + v.cost from (values ${sql.join(byKey)}) as v(id, cost) where api_keys.id = v.id`.execute(
    trx,
  );
  await trx
    .insertInto('key_daily_spend')
    .values(plan.dailySpend.map((s) => ({ key_id: s.keyId, day: s.day, spent: s.amount })))
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'day'])
        .doUpdateSet((eb) => ({ spent: eb('key_daily_spend.spent', '+', eb.ref('excluded.spent')) })),
    )
    .execute();
}

export function createKyselyBillingStore(
  db: Kysely<Schema>,
): LeaseStore & BillingWriter & { reclaimAll(): Promise<number> } {
  const returnLeases = async (query: SelectQueryBuilder<Schema, 'budget_leases', { id: string }>): Promise<number> => {
    const leases = await query.execute();
    for (const { id } of leases) await db.transaction().execute((trx) => returnLease(trx, id));
    return leases.length;
  };
  return {
    acquire: (request) => acquireLease(db, request),
    async renew(leaseIds, expiresAtMs) {
      await db
        .updateTable('budget_leases')
        .set({ expires_at: new Date(expiresAtMs) })
        .where('id', 'in', [...leaseIds])
        .execute();
    },
    reclaimExpired: (nowMs) =>
      returnLeases(db.selectFrom('budget_leases').select('id').where('expires_at', '<', new Date(nowMs))),
    /** Every lease, whatever its expiry: only for a database this process owns alone (PGlite), at start. */
    reclaimAll: () => returnLeases(db.selectFrom('budget_leases').select('id')),
    async write(operations) {
      // Captures first: a lease is returned only after every request on it has settled, so its captures come
      // before its return in the queue, and applying all captures before all returns keeps that order. A shrink
      // gives back only what no request holds, so the captures after it in the queue still fit in the lease.
      await db.transaction().execute(async (trx) => {
        await applyCaptures(
          trx,
          operations.filter((op): op is Capture => op.type === 'capture'),
        );
        for (const op of operations) {
          if (op.type === 'return-lease') await returnLease(trx, op.leaseId);
          else if (op.type === 'shrink-lease') await shrinkLease(trx, op);
        }
      });
    },
  };
}
