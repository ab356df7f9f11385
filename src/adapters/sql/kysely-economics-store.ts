// The market's money over time on SQL. Closing an epoch is one transaction (report, miss slashes, next epoch) on a
// row locked with SKIP LOCKED, so gateway instances sharing a database never close one twice; every money
// movement is a ledger transaction with an idempotency key derived from what it settles, so a retry after a crash
// writes nothing twice. The reconciliation recomputes every balance and every closed epoch from the entries.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  EconomicsStore,
  EpochReport,
  EpochRow,
  HostEpochFigures,
  LedgerCheck,
  ModelEpochFigures,
  PayoutRow,
  TopUpRow,
} from '../../app/economics/economics-store.ts';
import { releaseAmount } from '../../domain/economics/epochs.ts';
import { ledgerAccount, transfer } from '../../domain/ledger/transaction.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import { ensureLedgerAccount, writeLedgerTransaction } from './ledger-writes.ts';
import type { LedgerAccountKind, Schema } from './schema.ts';

type Db = Kysely<Schema> | Transaction<Schema>;

/** Reports are JSON: amounts as exact decimal strings of nano-units. */
const storedReport = (report: EpochReport): string =>
  JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
const MONEY_FIELDS = new Set([
  'revenue',
  'captured',
  'hostEarnings',
  'platformFees',
  'treasury',
  'refunded',
  'earned',
  'slashed',
]);
const loadedReport = (stored: unknown): EpochReport =>
  JSON.parse(JSON.stringify(stored), (key, value: unknown) =>
    MONEY_FIELDS.has(key) && typeof value === 'string' ? BigInt(value) : value,
  ) as EpochReport;

const toEpoch = (r: Selectable<Schema['epochs']>): EpochRow => ({
  number: r.number,
  startsAtMs: r.starts_at.getTime(),
  endsAtMs: r.ends_at.getTime(),
  report: r.report === null ? null : loadedReport(r.report),
  closedAtMs: r.closed_at?.getTime() ?? null,
  releasedAtMs: r.released_at?.getTime() ?? null,
});
const toPayout = (r: Selectable<Schema['payouts']>): PayoutRow => ({
  id: r.id,
  hostId: r.host_id,
  amount: r.amount,
  provider: r.provider,
  status: r.status,
  reference: r.reference,
  createdAtMs: r.created_at.getTime(),
});
const toTopUp = (r: Selectable<Schema['topups']>): TopUpRow => ({
  id: r.id,
  accountId: r.account_id,
  hostId: r.host_id,
  amount: r.amount,
  provider: r.provider,
  reference: r.reference,
  status: r.status,
  createdAtMs: r.created_at.getTime(),
});

async function lockedBalance(trx: Transaction<Schema>, account: string): Promise<Nanos> {
  return (
    (await trx.selectFrom('ledger_accounts').select('balance').where('id', '=', account).forUpdate().executeTakeFirst())
      ?.balance ?? 0n
  );
}

/** Moves money out of a host's account when it holds enough; false (nothing moves) when short. */
async function moveIfCovered(
  trx: Transaction<Schema>,
  key: string,
  kind: string,
  from: string,
  to: string,
  toKind: LedgerAccountKind,
  amount: Nanos,
): Promise<boolean> {
  if (amount <= 0n || (await lockedBalance(trx, from)) < amount) return false;
  await ensureLedgerAccount(trx, to, null, toKind);
  await writeLedgerTransaction(trx, transfer(key, kind, from, to, amount));
  return true;
}

/** The figures of [starts, ends) from usage records and ledger entries; the report and the reconciliation share them. */
async function epochFigures(
  db: Db,
  startsAt: Date,
  endsAt: Date,
  misses: ReadonlyMap<string, number>,
): Promise<Omit<EpochReport, 'hosts'> & { hosts: Array<Omit<HostEpochFigures, 'slashed'>> }> {
  const usage = await db
    .selectFrom('usage_records')
    .select((eb) => [
      'host_id',
      'model_id',
      eb.fn.countAll<string>().as('requests'),
      eb.fn.sum<string>('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum<string>('completion_tokens').as('completion_tokens'),
      eb.fn.sum<string>('cost').as('revenue'),
    ])
    .where('created_at', '>=', startsAt)
    .where('created_at', '<', endsAt)
    .where('host_id', 'is not', null)
    .groupBy(['host_id', 'model_id'])
    .execute();
  const movements = await db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
    .innerJoin('ledger_accounts', 'ledger_accounts.id', 'ledger_entries.ledger_account_id')
    .select((eb) => [
      'ledger_transactions.kind',
      'ledger_accounts.kind as account_kind',
      'ledger_entries.ledger_account_id',
      eb.fn.sum<string>('ledger_entries.amount').as('amount'),
    ])
    .where('ledger_transactions.created_at', '>=', startsAt)
    .where('ledger_transactions.created_at', '<', endsAt)
    .where('ledger_transactions.kind', 'in', ['capture', 'refund'])
    .groupBy(['ledger_transactions.kind', 'ledger_accounts.kind', 'ledger_entries.ledger_account_id'])
    .execute();
  const moved = (kind: string, accountKind: string) =>
    movements
      .filter((m) => m.kind === kind && m.account_kind === accountKind)
      .reduce((s, m) => s + BigInt(m.amount), 0n);
  const earnedBy = new Map(
    movements
      .filter((m) => m.kind === 'capture' && m.account_kind === 'host_earnings')
      .map((m) => [m.ledger_account_id, BigInt(m.amount)]),
  );
  const models = new Map<string, ModelEpochFigures>();
  const hosts = new Map<string, Omit<HostEpochFigures, 'slashed'>>();
  const hostFigures = (hostId: string) => {
    const existing = hosts.get(hostId) ?? {
      hostId,
      requests: 0,
      completionTokens: 0,
      earned: earnedBy.get(ledgerAccount.hostEarnings(hostId)) ?? 0n,
      misses: misses.get(hostId) ?? 0,
    };
    hosts.set(hostId, existing);
    return existing;
  };
  for (const row of usage) {
    const model = models.get(row.model_id) ?? {
      modelId: row.model_id,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      revenue: 0n,
    };
    model.requests += Number(row.requests);
    model.promptTokens += Number(row.prompt_tokens);
    model.completionTokens += Number(row.completion_tokens);
    model.revenue += BigInt(row.revenue);
    models.set(row.model_id, model);
    const host = hostFigures(row.host_id as string);
    host.requests += Number(row.requests);
    host.completionTokens += Number(row.completion_tokens);
  }
  for (const [hostId, count] of misses) if (count > 0) hostFigures(hostId);
  const modelList = [...models.values()].sort((a, b) => a.modelId.localeCompare(b.modelId));
  return {
    requests: modelList.reduce((s, m) => s + m.requests, 0),
    promptTokens: modelList.reduce((s, m) => s + m.promptTokens, 0),
    completionTokens: modelList.reduce((s, m) => s + m.completionTokens, 0),
    revenue: modelList.reduce((s, m) => s + m.revenue, 0n),
    captured: -moved('capture', 'holds'),
    hostEarnings: moved('capture', 'host_earnings'),
    platformFees: moved('capture', 'platform_fees'),
    treasury: moved('capture', 'treasury'),
    refunded: moved('refund', 'credits'),
    hosts: [...hosts.values()].sort((a, b) => a.hostId.localeCompare(b.hostId)),
    models: modelList,
  };
}

/** What a stored report says and what the ledger says now, field by field (misses and slashes are not re-derived). */
function reportMismatches(
  epoch: number,
  stored: EpochReport,
  now: Awaited<ReturnType<typeof epochFigures>>,
): LedgerCheck['epochMismatches'] {
  const fields: Array<[string, unknown, unknown]> = [
    ['requests', stored.requests, now.requests],
    ['prompt_tokens', stored.promptTokens, now.promptTokens],
    ['completion_tokens', stored.completionTokens, now.completionTokens],
    ['revenue', stored.revenue, now.revenue],
    ['captured', stored.captured, now.captured],
    ['revenue = captured', stored.revenue, now.captured],
    ['host_earnings', stored.hostEarnings, now.hostEarnings],
    ['platform_fees', stored.platformFees, now.platformFees],
    ['treasury', stored.treasury, now.treasury],
    [
      'host_earnings + platform_fees + treasury = captured',
      stored.hostEarnings + stored.platformFees + stored.treasury,
      now.captured,
    ],
    ['refunded', stored.refunded, now.refunded],
  ];
  const earned = new Map(now.hosts.map((h) => [h.hostId, h.earned]));
  for (const host of stored.hosts)
    fields.push([`hosts.${host.hostId}.earned`, host.earned, earned.get(host.hostId) ?? 0n]);
  return fields
    .filter(([, a, b]) => a !== b)
    .map(([field, report, ledger]) => ({ epoch, field, report: String(report), ledger: String(ledger) }));
}

export function createKyselyEconomicsStore(db: Kysely<Schema>): EconomicsStore {
  const missCounts = async (trx: Db) =>
    new Map((await trx.selectFrom('hosts').select(['id', 'misses']).execute()).map((h) => [h.id, h.misses]));
  const balance = async (account: string) =>
    (await db.selectFrom('ledger_accounts').select('balance').where('id', '=', account).executeTakeFirst())?.balance ??
    0n;

  return {
    async ensureFirstEpoch(nowMs, lengthMs) {
      if (await db.selectFrom('epochs').select('number').limit(1).executeTakeFirst()) return;
      const opening = Object.fromEntries(await missCounts(db));
      await db
        .insertInto('epochs')
        .values({
          number: 0,
          starts_at: new Date(nowMs),
          ends_at: new Date(nowMs + lengthMs),
          opening_misses: JSON.stringify(opening),
        })
        .onConflict((oc) => oc.column('number').doNothing())
        .execute();
    },
    async closeNextEpoch(cutoffMs, nextLengthMs, missSlash) {
      return db.transaction().execute(async (trx) => {
        const epoch = await trx
          .selectFrom('epochs')
          .selectAll()
          .where('closed_at', 'is', null)
          .where('ends_at', '<=', new Date(cutoffMs))
          .orderBy('number')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!epoch) return undefined;
        const current = await missCounts(trx);
        const opening = epoch.opening_misses as Record<string, number>;
        const misses = new Map(
          [...current].map(([hostId, count]) => [hostId, Math.max(0, count - (opening[hostId] ?? 0))]),
        );
        const figures = await epochFigures(trx, epoch.starts_at, epoch.ends_at, misses);
        const hosts: HostEpochFigures[] = [];
        for (const host of figures.hosts) {
          const bondAccount = ledgerAccount.hostBond(host.hostId);
          const slash = missSlash(host.misses, host.requests + host.misses, await lockedBalance(trx, bondAccount));
          if (slash > 0n) {
            await writeLedgerTransaction(
              trx,
              transfer(
                `slash:misses:${epoch.number}:${host.hostId}`,
                'slash',
                bondAccount,
                ledgerAccount.treasury,
                slash,
              ),
            );
            await trx
              .insertInto('slashes')
              .values({
                id: `slash-misses-${epoch.number}-${host.hostId}`,
                host_id: host.hostId,
                reason: 'misses',
                cause: `epoch ${epoch.number}`,
                amount: slash,
              })
              .execute();
          }
          hosts.push({ ...host, slashed: slash });
        }
        const report: EpochReport = { ...figures, hosts };
        const closed = await trx
          .updateTable('epochs')
          .set({ report: storedReport(report), closed_at: sql<Date>`now()` })
          .where('number', '=', epoch.number)
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('epochs')
          .values({
            number: epoch.number + 1,
            starts_at: epoch.ends_at,
            ends_at: new Date(epoch.ends_at.getTime() + nextLengthMs),
            opening_misses: JSON.stringify(Object.fromEntries(current)),
          })
          .onConflict((oc) => oc.column('number').doNothing())
          .execute();
        return toEpoch(closed);
      });
    },
    async unreleasedEpochs(through) {
      const rows = await db
        .selectFrom('epochs')
        .selectAll()
        .where('closed_at', 'is not', null)
        .where('released_at', 'is', null)
        .where('number', '<=', through)
        .orderBy('number')
        .execute();
      return rows.map(toEpoch);
    },
    async releaseHostEarnings(epoch, hostId, earned) {
      await db.transaction().execute(async (trx) => {
        const amount = releaseAmount(earned, await lockedBalance(trx, ledgerAccount.hostEarnings(hostId)));
        if (amount === 0n) return;
        await ensureLedgerAccount(trx, ledgerAccount.hostPayable(hostId), null, 'host_payable');
        await writeLedgerTransaction(
          trx,
          transfer(
            `release:${epoch}:${hostId}`,
            'release',
            ledgerAccount.hostEarnings(hostId),
            ledgerAccount.hostPayable(hostId),
            amount,
          ),
        );
      });
    },
    async markReleased(epoch) {
      await db
        .updateTable('epochs')
        .set({ released_at: sql<Date>`now()` })
        .where('number', '=', epoch)
        .where('released_at', 'is', null)
        .execute();
    },
    async releaseUnbondings(closedEpoch) {
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('unbondings')
          .selectAll()
          .where('release_epoch', '<=', closedEpoch)
          .where('released_at', 'is', null)
          .forUpdate()
          .skipLocked()
          .execute();
        for (const unbonding of due) {
          const from = ledgerAccount.hostUnbonding(unbonding.host_id);
          const amount = releaseAmount(unbonding.amount, await lockedBalance(trx, from));
          if (amount > 0n) {
            await ensureLedgerAccount(trx, ledgerAccount.hostPayable(unbonding.host_id), null, 'host_payable');
            await writeLedgerTransaction(
              trx,
              transfer(
                `unbonded:${unbonding.id}`,
                'unbond',
                from,
                ledgerAccount.hostPayable(unbonding.host_id),
                amount,
              ),
            );
          }
          await trx
            .updateTable('unbondings')
            .set({ released_at: sql<Date>`now()` })
            .where('id', '=', unbonding.id)
            .execute();
        }
        return due.length;
      });
    },
    async latestClosedEpoch() {
      return (
        await db
          .selectFrom('epochs')
          .select('number')
          .where('closed_at', 'is not', null)
          .orderBy('number', 'desc')
          .limit(1)
          .executeTakeFirst()
      )?.number;
    },
    async currentEpoch() {
      return (
        await db
          .selectFrom('epochs')
          .select('number')
          .where('closed_at', 'is', null)
          .orderBy('number')
          .limit(1)
          .executeTakeFirst()
      )?.number;
    },
    async listEpochs(limit) {
      return (await db.selectFrom('epochs').selectAll().orderBy('number', 'desc').limit(limit).execute()).map(toEpoch);
    },
    async findEpoch(number) {
      const row = await db.selectFrom('epochs').selectAll().where('number', '=', number).executeTakeFirst();
      return row && toEpoch(row);
    },

    async hostFunds(hostId) {
      const [earnings, payable, bond, unbonding, payoutPending] = await Promise.all(
        [
          ledgerAccount.hostEarnings,
          ledgerAccount.hostPayable,
          ledgerAccount.hostBond,
          ledgerAccount.hostUnbonding,
          ledgerAccount.hostPayout,
        ].map((account) => balance(account(hostId))),
      );
      return {
        earnings: earnings as Nanos,
        payable: payable as Nanos,
        bond: bond as Nanos,
        unbonding: unbonding as Nanos,
        payoutPending: payoutPending as Nanos,
      };
    },
    async postBond(id, hostId, amount) {
      return db
        .transaction()
        .execute((trx) =>
          moveIfCovered(
            trx,
            `bond:${id}`,
            'bond',
            ledgerAccount.hostPayable(hostId),
            ledgerAccount.hostBond(hostId),
            'host_bond',
            amount,
          ),
        );
    },
    async requestUnbonding(unbonding) {
      return db.transaction().execute(async (trx) => {
        const moved = await moveIfCovered(
          trx,
          `unbonding:${unbonding.id}`,
          'unbonding',
          ledgerAccount.hostBond(unbonding.hostId),
          ledgerAccount.hostUnbonding(unbonding.hostId),
          'host_unbonding',
          unbonding.amount,
        );
        if (moved) {
          await trx
            .insertInto('unbondings')
            .values({
              id: unbonding.id,
              host_id: unbonding.hostId,
              amount: unbonding.amount,
              requested_epoch: unbonding.requestedEpoch,
              release_epoch: unbonding.releaseEpoch,
            })
            .execute();
        }
        return moved;
      });
    },
    async listUnbondings(hostId) {
      const rows = await db
        .selectFrom('unbondings')
        .selectAll()
        .where('host_id', '=', hostId)
        .orderBy('release_epoch')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        hostId: r.host_id,
        amount: r.amount,
        releaseEpoch: r.release_epoch,
        releasedAtMs: r.released_at?.getTime() ?? null,
      }));
    },

    async requestPayout(payout) {
      return db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('payouts').selectAll().where('id', '=', payout.id).executeTakeFirst();
        if (existing) return existing.host_id === payout.hostId ? toPayout(existing) : undefined;
        const payable = ledgerAccount.hostPayable(payout.hostId);
        const amount = payout.amount ?? (await lockedBalance(trx, payable));
        if (
          !(await moveIfCovered(
            trx,
            `payout:${payout.id}`,
            'payout',
            payable,
            ledgerAccount.hostPayout(payout.hostId),
            'host_payout',
            amount,
          ))
        )
          return undefined;
        return toPayout(
          await trx
            .insertInto('payouts')
            .values({ id: payout.id, host_id: payout.hostId, amount, provider: payout.provider })
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
      });
    },
    async settlePayout(id, outcome, reference) {
      return db.transaction().execute(async (trx) => {
        const settled = await trx
          .updateTable('payouts')
          .set({ status: outcome, reference, settled_at: sql<Date>`now()` })
          .where('id', '=', id)
          .where('status', '=', 'requested')
          .returningAll()
          .executeTakeFirst();
        if (!settled) {
          const current = await trx.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
          return current && toPayout(current);
        }
        const from = ledgerAccount.hostPayout(settled.host_id);
        const to = outcome === 'paid' ? ledgerAccount.paidOut : ledgerAccount.hostPayable(settled.host_id);
        await writeLedgerTransaction(
          trx,
          transfer(`payout-${outcome}:${id}`, `payout_${outcome}`, from, to, settled.amount),
        );
        return toPayout(settled);
      });
    },
    async listPayouts(filter) {
      let query = db.selectFrom('payouts').selectAll().orderBy('created_at', 'desc');
      if (filter.hostId) query = query.where('host_id', '=', filter.hostId);
      if (filter.status) query = query.where('status', '=', filter.status);
      return (await query.limit(500).execute()).map(toPayout);
    },

    async createTopUp(topUp) {
      const row = await db
        .insertInto('topups')
        .values({
          id: topUp.id,
          account_id: topUp.accountId,
          host_id: topUp.hostId,
          amount: topUp.amount,
          provider: topUp.provider,
          reference: topUp.reference,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTopUp(row);
    },
    async settleTopUp(id, outcome, reference) {
      return db.transaction().execute(async (trx) => {
        const settled = await trx
          .updateTable('topups')
          .set({
            status: outcome,
            settled_at: sql<Date>`now()`,
            reference: sql<string>`reference || ' / ' || ${reference}`,
          })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .returningAll()
          .executeTakeFirst();
        if (!settled) {
          const current = await trx.selectFrom('topups').selectAll().where('id', '=', id).executeTakeFirst();
          return current && toTopUp(current);
        }
        if (outcome === 'confirmed') {
          const to = settled.account_id
            ? ledgerAccount.credits(settled.account_id)
            : ledgerAccount.hostBond(settled.host_id as string);
          if (!settled.account_id) await ensureLedgerAccount(trx, to, null, 'host_bond');
          await writeLedgerTransaction(
            trx,
            transfer(`topup:${id}`, 'topup', ledgerAccount.funding, to, settled.amount),
          );
        }
        return toTopUp(settled);
      });
    },
    async listTopUps(filter) {
      let query = db.selectFrom('topups').selectAll().orderBy('created_at', 'desc');
      if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
      if (filter.hostId) query = query.where('host_id', '=', filter.hostId);
      if (filter.status) query = query.where('status', '=', filter.status);
      return (await query.limit(500).execute()).map(toTopUp);
    },

    async checkLedger() {
      const accounts = await db
        .selectFrom('ledger_accounts')
        .leftJoin('ledger_entries', 'ledger_entries.ledger_account_id', 'ledger_accounts.id')
        .select((eb) => [
          'ledger_accounts.id',
          'ledger_accounts.balance',
          'ledger_accounts.allow_negative',
          eb.fn.coalesce(eb.fn.sum<string>('ledger_entries.amount'), sql<string>`0`).as('entries'),
        ])
        .groupBy(['ledger_accounts.id', 'ledger_accounts.balance', 'ledger_accounts.allow_negative'])
        .execute();
      const unbalanced = await db
        .selectFrom('ledger_entries')
        .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
        .select('ledger_transactions.idempotency_key')
        .groupBy('ledger_transactions.idempotency_key')
        .having((eb) => eb.fn.sum('ledger_entries.amount'), '<>', 0)
        .execute();
      const transactions = await db
        .selectFrom('ledger_transactions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      const epochs = await db
        .selectFrom('epochs')
        .selectAll()
        .where('closed_at', 'is not', null)
        .orderBy('number')
        .execute();
      const epochMismatches: LedgerCheck['epochMismatches'] = [];
      for (const epoch of epochs) {
        const stored = loadedReport(epoch.report);
        const misses = new Map(stored.hosts.map((h) => [h.hostId, h.misses]));
        epochMismatches.push(
          ...reportMismatches(epoch.number, stored, await epochFigures(db, epoch.starts_at, epoch.ends_at, misses)),
        );
      }
      return {
        driftedAccounts: accounts
          .filter((a) => a.balance !== BigInt(a.entries))
          .map((a) => ({ account: a.id, balance: a.balance, entries: BigInt(a.entries) })),
        sum: accounts.reduce((s, a) => s + BigInt(a.entries), 0n),
        negativeAccounts: accounts.filter((a) => a.balance < 0n && !a.allow_negative).map((a) => a.id),
        unbalancedTransactions: unbalanced.map((u) => u.idempotency_key),
        epochMismatches,
        epochsChecked: epochs.length,
        accountsChecked: accounts.length,
        transactionsChecked: Number(transactions.n),
      };
    },
  };
}
