// Budget leases and the billing batch writer on SQL. A lease moves credits into the account's holds in one
// transaction, within the credits and the key's spend limits (the key row is locked, so gateways on other
// instances queue behind it); a batch applies captures and lease returns in order, in one transaction.
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { ledgerAccount, transfer, type LedgerTransaction } from '../../domain/ledger/transaction.ts';
import type { BillingOperation, BillingWriter, LeaseOutcome, LeaseRequest, LeaseStore } from '../../app/ports.ts';
import type { Schema } from './schema.ts';
import { writeLedgerTransaction, writeLedgerTransactions } from './ledger-writes.ts';
import { utcDay } from '../../app/billing/utc-day.ts';

const min = (...values: bigint[]): bigint => values.reduce((a, b) => (b < a ? b : a));

async function acquireLease(db: Kysely<Schema>, request: LeaseRequest): Promise<LeaseOutcome> {
  return db.transaction().execute(async (trx) => {
    const key = await trx.selectFrom('api_keys').selectAll().where('id', '=', request.keyId).forUpdate().executeTakeFirst();
    if (!key || key.revoked_at || (key.expires_at && key.expires_at.getTime() <= request.nowMs)) return { ok: false, reason: 'key_inactive' };
    const credits = await trx
      .selectFrom('ledger_accounts')
      .select('balance')
      .where('id', '=', ledgerAccount.credits(request.accountId))
      .forUpdate()
      .executeTakeFirstOrThrow();
    const leased = await trx
      .selectFrom('budget_leases')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<bigint>('amount'), eb.lit(0)).as('total'))
      .where('key_id', '=', request.keyId)
      .executeTakeFirstOrThrow();
    const leasedTotal = BigInt(leased.total);
    const limits: bigint[] = [];
    if (key.spend_limit_total !== null) limits.push(key.spend_limit_total - key.spent_total - leasedTotal);
    if (key.spend_limit_daily !== null) {
      const today = await trx
        .selectFrom('key_daily_spend')
        .select('spent')
        .where('key_id', '=', request.keyId)
        .where('day', '=', utcDay(request.nowMs))
        .executeTakeFirst();
      limits.push(key.spend_limit_daily - (today?.spent ?? 0n) - leasedTotal);
    }
    const headroom = limits.length ? min(...limits) : request.wantNanos;
    if (headroom < request.minNanos) return { ok: false, reason: 'spend_limit' };
    if (credits.balance < request.minNanos) return { ok: false, reason: 'insufficient_funds' };
    const amount = min(request.wantNanos, credits.balance, headroom);
    await writeLedgerTransaction(
      trx,
      transfer(`lease:${request.leaseId}`, 'lease', ledgerAccount.credits(request.accountId), ledgerAccount.holds(request.accountId), amount),
    );
    await trx
      .insertInto('budget_leases')
      .values({
        id: request.leaseId,
        key_id: request.keyId,
        account_id: request.accountId,
        instance_id: request.instanceId,
        amount,
        expires_at: new Date(request.expiresAtMs),
      })
      .execute();
    return { ok: true, amount };
  });
}

async function returnLease(trx: Transaction<Schema>, leaseId: string): Promise<void> {
  const lease = await trx.deleteFrom('budget_leases').where('id', '=', leaseId).returning(['account_id', 'amount']).executeTakeFirst();
  if (!lease || lease.amount === 0n) return;
  await writeLedgerTransaction(
    trx,
    transfer(`lease-return:${leaseId}`, 'lease_return', ledgerAccount.holds(lease.account_id), ledgerAccount.credits(lease.account_id), lease.amount),
  );
}

type Capture = Extract<BillingOperation, { type: 'capture' }>;

/** Captures grouped by a key, each group as its first capture and the sum of its costs (one row per group below). */
function totals(captures: readonly Capture[], keyOf: (op: Capture) => string): Array<{ op: Capture; cost: bigint }> {
  const groups = new Map<string, { op: Capture; cost: bigint }>();
  for (const op of captures) {
    const group = groups.get(keyOf(op));
    if (group) group.cost += op.usage.cost;
    else groups.set(keyOf(op), { op, cost: op.usage.cost });
  }
  return [...groups.values()];
}

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
  // The usage record and the capture are written together: an existing record means this capture already happened.
  const fresh = new Set(recorded.map((r) => r.request_id));
  const billed = captures.filter((op) => op.transaction && fresh.has(op.usage.requestId));
  if (billed.length === 0) return;
  await writeLedgerTransactions(trx, billed.map((op) => op.transaction as LedgerTransaction));
  const byLease = totals(billed, (op) => op.leaseId).map(({ op, cost }) => sql`(${op.leaseId}, ${cost}::bigint)`);
  await sql`update budget_leases set amount = amount - v.cost from (values ${sql.join(byLease)}) as v(id, cost) where budget_leases.id = v.id`.execute(trx);
  const byKey = totals(billed, (op) => op.keyId).map(({ op, cost }) => sql`(${op.keyId}, ${cost}::bigint)`);
  await sql`update api_keys set spent_total = spent_total + v.cost from (values ${sql.join(byKey)}) as v(id, cost) where api_keys.id = v.id`.execute(trx);
  await trx
    .insertInto('key_daily_spend')
    .values(totals(billed, (op) => `${op.keyId}/${op.day}`).map(({ op, cost }) => ({ key_id: op.keyId, day: op.day, spent: cost })))
    .onConflict((oc) => oc.columns(['key_id', 'day']).doUpdateSet((eb) => ({ spent: eb('key_daily_spend.spent', '+', eb.ref('excluded.spent')) })))
    .execute();
}

export function createKyselyBillingStore(db: Kysely<Schema>): LeaseStore & BillingWriter & { reclaimAll(): Promise<number> } {
  const returnLeases = async (query: SelectQueryBuilder<Schema, 'budget_leases', { id: string }>): Promise<number> => {
    const leases = await query.execute();
    for (const { id } of leases) await db.transaction().execute((trx) => returnLease(trx, id));
    return leases.length;
  };
  return {
    acquire: (request) => acquireLease(db, request),
    async renew(leaseIds, expiresAtMs) {
      await db.updateTable('budget_leases').set({ expires_at: new Date(expiresAtMs) }).where('id', 'in', [...leaseIds]).execute();
    },
    reclaimExpired: (nowMs) => returnLeases(db.selectFrom('budget_leases').select('id').where('expires_at', '<', new Date(nowMs))),
    /** Every lease, whatever its expiry: only for a database this process owns alone (PGlite), at start. */
    reclaimAll: () => returnLeases(db.selectFrom('budget_leases').select('id')),
    async write(operations) {
      // Captures first: a lease is returned only after every request on it has settled, so its captures come
      // before its return in the queue, and applying all captures before all returns keeps that order.
      await db.transaction().execute(async (trx) => {
        await applyCaptures(trx, operations.filter((op): op is Capture => op.type === 'capture'));
        for (const op of operations) if (op.type === 'return-lease') await returnLease(trx, op.leaseId);
      });
    },
  };
}
