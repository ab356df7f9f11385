// The trust store on SQL. The queue is a table: a sample is written when the market decides to keep it, scored by
// any verifier that reads it, and attached to a check; conviction and refunds are one transaction.
import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type {
  AppealRow,
  ConvictionRecord,
  DisputeRow,
  SamplePayload,
  StoredSample,
  VerificationStore,
} from '../../app/verification/verification-store.ts';
import type { SampleFindings } from '../../domain/verification/response-check.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { planRefunds } from '../../domain/money/conviction-refund-plan.ts';
import { insertSlashes, writeLedgerTransactions } from './ledger-writes.ts';
import type { Schema } from './schema.ts';

type SampleRow = {
  request_id: string;
  host_id: string;
  model_id: string;
  payload: unknown;
  request_digest: string | null;
  response_digest: string | null;
  host_signature: string | null;
  served_at: Date;
  public_key: string | null;
  refunded_by: string | null;
};

const toSample = (r: SampleRow): StoredSample => ({
  requestId: r.request_id,
  hostId: r.host_id,
  modelId: r.model_id,
  payload: r.payload as SamplePayload,
  receipt:
    r.request_digest && r.response_digest
      ? { requestDigest: r.request_digest, responseDigest: r.response_digest, signature: r.host_signature }
      : null,
  servedAtMs: r.served_at.getTime(),
  hostPublicKey: r.public_key,
  refundedBy: r.refunded_by,
});

const toConviction = (r: Selectable<Schema['convictions']>): ConvictionRecord => ({
  id: r.id,
  hostId: r.host_id,
  modelId: r.model_id,
  checkIds: r.check_ids as string[],
  responsesRefunded: r.responses_refunded,
  refunded: r.refunded,
  fromHost: r.from_host,
  fromTreasury: r.from_treasury,
  fromFunding: r.from_funding,
  fromBond: r.from_bond,
  slashed: r.slashed,
  createdAtMs: r.created_at.getTime(),
});

class CheckAlreadyMade extends Error {}

export function createKyselyVerificationStore(db: Kysely<Schema>): VerificationStore {
  const sampleColumns = [
    'verification_samples.request_id',
    'verification_samples.host_id',
    'verification_samples.model_id',
    'verification_samples.payload',
    'verification_samples.request_digest',
    'verification_samples.response_digest',
    'verification_samples.host_signature',
    'verification_samples.served_at',
    'hosts.public_key',
    'usage_records.refunded_by',
  ] as const;
  const withHost = () =>
    db
      .selectFrom('verification_samples')
      .innerJoin('hosts', 'hosts.id', 'verification_samples.host_id')
      .leftJoin('usage_records', 'usage_records.request_id', 'verification_samples.request_id');

  return {
    async addSample(s) {
      await db
        .insertInto('verification_samples')
        .values({
          request_id: s.requestId,
          host_id: s.hostId,
          model_id: s.modelId,
          payload: JSON.stringify(s.payload),
          request_digest: s.receipt?.requestDigest ?? null,
          response_digest: s.receipt?.responseDigest ?? null,
          host_signature: s.receipt?.signature ?? null,
          served_at: new Date(s.servedAtMs),
        })
        .onConflict((oc) => oc.column('request_id').doNothing())
        .execute();
    },
    async unscoredSamples(limit) {
      const rows = await withHost()
        .select(sampleColumns)
        .where('verification_samples.findings', 'is', null)
        .orderBy('verification_samples.served_at')
        .limit(limit)
        .execute();
      return rows.map(toSample);
    },
    async saveFindings(requestId, findings) {
      await db
        .updateTable('verification_samples')
        .set({ findings: JSON.stringify(findings) })
        .where('request_id', '=', requestId)
        .execute();
    },
    async openPool(hostId, modelId) {
      const rows = await db
        .selectFrom('verification_samples')
        .select(['request_id', 'findings'])
        .where('host_id', '=', hostId)
        .where('model_id', '=', modelId)
        .where('findings', 'is not', null)
        .where('check_id', 'is', null)
        .orderBy('served_at')
        .execute();
      return rows.map((r) => ({ requestId: r.request_id, findings: r.findings as SampleFindings }));
    },
    async samples(requestIds) {
      if (requestIds.length === 0) return [];
      const rows = await withHost()
        .select(sampleColumns)
        .where('verification_samples.request_id', 'in', [...requestIds])
        .orderBy('verification_samples.served_at')
        .execute();
      return rows.map(toSample);
    },
    async recordCheck(check, next) {
      return db
        .transaction()
        .execute(async (trx) => {
          const v = check.verdict;
          await trx
            .insertInto('verification_checks')
            .values({
              id: check.id,
              host_id: check.hostId,
              model_id: check.modelId,
              passed: v.passed,
              positions: v.positions,
              mean_tv: v.meanTv,
              max_tv: v.maxTv,
              greedy_mismatches: v.greedyMismatches,
              implausible_stops: v.implausibleStops,
              reasons: JSON.stringify(v.reasons),
              reference: check.reference,
            })
            .execute();
          const attached = await trx
            .updateTable('verification_samples')
            .set(v.passed ? { check_id: check.id, payload: null } : { check_id: check.id })
            .where('request_id', 'in', check.requestIds)
            .where('check_id', 'is', null)
            .returning('request_id')
            .execute();
          // Another verifier (a second gateway instance, a validator) judged these samples first: this check is void.
          // (Counted from RETURNING: PGlite reports no affected-row count.)
          if (attached.length !== check.requestIds.length) throw new CheckAlreadyMade();
          await trx
            .updateTable('disputes')
            .set({ status: v.passed ? 'rejected' : 'upheld', resolved_at: sql<Date>`now()` })
            .where('host_id', '=', check.hostId)
            .where('model_id', '=', check.modelId)
            .where('status', '=', 'open')
            .execute();
          await trx
            .insertInto('host_model_trust')
            .values({ host_id: check.hostId, model_id: check.modelId })
            .onConflict((oc) => oc.columns(['host_id', 'model_id']).doNothing())
            .execute();
          const current = await trx
            .selectFrom('host_model_trust')
            .innerJoin('hosts', 'hosts.id', 'host_model_trust.host_id')
            .select(['evidence_score', 'checks_passed', 'checks_failed', 'hosts.reputation'])
            .where('host_id', '=', check.hostId)
            .where('model_id', '=', check.modelId)
            .forUpdate()
            .executeTakeFirstOrThrow();
          const standing = next({
            evidenceScore: current.evidence_score,
            reputation: current.reputation,
            checksPassed: current.checks_passed,
            checksFailed: current.checks_failed,
          });
          await trx
            .updateTable('host_model_trust')
            .set({
              evidence_score: standing.evidenceScore,
              checks_passed: standing.checksPassed,
              checks_failed: standing.checksFailed,
              ...(v.passed ? { last_passed_check_id: check.id } : {}),
            })
            .where('host_id', '=', check.hostId)
            .where('model_id', '=', check.modelId)
            .execute();
          await trx
            .updateTable('hosts')
            .set({ reputation: Math.round(standing.reputation) })
            .where('id', '=', check.hostId)
            .execute();
          return standing;
        })
        .catch((error: unknown) => {
          if (error instanceof CheckAlreadyMade) return undefined;
          throw error;
        });
    },
    convict(conviction, slashBps) {
      return db.transaction().execute(async (trx) => {
        const trust = await trx
          .selectFrom('host_model_trust')
          .select('last_passed_check_id')
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .forUpdate()
          .executeTakeFirst();
        // Responses after the last passed check's own responses are unverified: all of them are refunded.
        const since = trust?.last_passed_check_id
          ? ((
              await trx
                .selectFrom('usage_records')
                .innerJoin('verification_samples', 'verification_samples.request_id', 'usage_records.request_id')
                .select((eb) => eb.fn.max('usage_records.created_at').as('at'))
                .where('verification_samples.check_id', '=', trust.last_passed_check_id)
                .executeTakeFirst()
            )?.at ?? null)
          : null;
        let served = trx
          .selectFrom('usage_records')
          .select(['request_id', 'account_id', 'cost'])
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .where('refunded_by', 'is', null)
          .where('cost', '>', 0n);
        if (since) served = served.where('created_at', '>', since);
        const responses = (await served.forUpdate().execute()).map((r) => ({
          requestId: r.request_id,
          accountId: r.account_id,
          cost: r.cost,
        }));
        const balances = new Map(
          (
            await trx
              .selectFrom('ledger_accounts')
              .select(['id', 'balance'])
              .where('id', 'in', [
                ledgerAccount.hostEarnings(conviction.hostId),
                ledgerAccount.hostBond(conviction.hostId),
                ledgerAccount.hostUnbonding(conviction.hostId),
                ledgerAccount.treasury,
              ])
              .forUpdate()
              .execute()
          ).map((r) => [r.id, r.balance]),
        );
        const refunds = planRefunds(
          conviction.id,
          conviction.hostId,
          responses,
          {
            hostEarnings: balances.get(ledgerAccount.hostEarnings(conviction.hostId)) ?? 0n,
            hostBond: balances.get(ledgerAccount.hostBond(conviction.hostId)) ?? 0n,
            hostUnbonding: balances.get(ledgerAccount.hostUnbonding(conviction.hostId)) ?? 0n,
            treasury: balances.get(ledgerAccount.treasury) ?? 0n,
          },
          slashBps,
        );
        await writeLedgerTransactions(trx, refunds.transactions);
        if (refunds.refundedRequestIds.length > 0) {
          await trx
            .updateTable('usage_records')
            .set({ refunded_by: conviction.id })
            .where('request_id', 'in', refunds.refundedRequestIds)
            .execute();
        }
        // The failed checks this conviction rests on: those since the host's previous conviction for the SKU, if any.
        const previous = await trx
          .selectFrom('convictions')
          .select((eb) => eb.fn.max('created_at').as('at'))
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .executeTakeFirst();
        let failedChecks = trx
          .selectFrom('verification_checks')
          .select('id')
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .where('passed', '=', false);
        if (previous?.at) failedChecks = failedChecks.where('created_at', '>', previous.at);
        const checkIds = (await failedChecks.orderBy('created_at').execute()).map((r) => r.id);
        const row = await trx
          .insertInto('convictions')
          .values({
            id: conviction.id,
            host_id: conviction.hostId,
            model_id: conviction.modelId,
            check_ids: JSON.stringify(checkIds),
            responses_refunded: refunds.refundedRequestIds.length,
            refunded: refunds.total,
            from_host: refunds.fromHost,
            from_treasury: refunds.fromTreasury,
            from_funding: refunds.fromFunding,
            from_bond: refunds.fromBond,
            slashed: refunds.slashed,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        if (refunds.slash) await insertSlashes(trx, [refunds.slash]);
        await trx
          .updateTable('hosts')
          .set({ suspended_at: sql<Date>`now()` })
          .where('id', '=', conviction.hostId)
          .execute();
        await trx
          .updateTable('host_model_trust')
          .set({ evidence_score: 0 })
          .where('host_id', '=', conviction.hostId)
          .where('model_id', '=', conviction.modelId)
          .execute();
        return toConviction(row);
      });
    },
    async hostChecks(hostId, limit, after) {
      let query = db.selectFrom('verification_checks').selectAll().where('host_id', '=', hostId);
      // Keyset paging after the cursor's check, looked up among this host's checks only.
      if (after !== undefined) {
        const cursor = db
          .selectFrom('verification_checks')
          .select(['created_at', 'id'])
          .where('id', '=', after)
          .where('host_id', '=', hostId);
        query = query.where(sql<SqlBool>`(created_at, id) < (${cursor})`);
      }
      const checks = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      const evidence = checks.length
        ? await db
            .selectFrom('verification_samples')
            .select(['check_id', 'request_id', 'request_digest', 'response_digest', 'host_signature'])
            .where(
              'check_id',
              'in',
              checks.map((c) => c.id),
            )
            .execute()
        : [];
      return checks.map((c) => {
        const own = evidence.filter((e) => e.check_id === c.id);
        return {
          id: c.id,
          hostId: c.host_id,
          modelId: c.model_id,
          reference: c.reference,
          requestIds: own.map((e) => e.request_id),
          verdict: {
            passed: c.passed,
            positions: c.positions,
            meanTv: c.mean_tv,
            maxTv: c.max_tv,
            greedyMismatches: c.greedy_mismatches,
            implausibleStops: c.implausible_stops,
            reasons: c.reasons as string[],
          },
          createdAtMs: c.created_at.getTime(),
          evidence: own.map((e) => ({
            requestId: e.request_id,
            requestDigest: e.request_digest,
            responseDigest: e.response_digest,
            hostSignature: e.host_signature,
          })),
        };
      });
    },
    async hostConvictions(hostId) {
      return (
        await db.selectFrom('convictions').selectAll().where('host_id', '=', hostId).orderBy('created_at').execute()
      ).map(toConviction);
    },
    async appeal(a) {
      const conviction = await db
        .selectFrom('convictions')
        .select('id')
        .where('id', '=', a.convictionId)
        .where('host_id', '=', a.hostId)
        .executeTakeFirst();
      if (!conviction) return undefined;
      await db
        .insertInto('appeals')
        .values({ id: a.id, conviction_id: a.convictionId, host_id: a.hostId, reason: a.reason })
        .onConflict((oc) => oc.column('conviction_id').doNothing())
        .execute();
      const row = await db
        .selectFrom('appeals')
        .selectAll()
        .where('conviction_id', '=', a.convictionId)
        .executeTakeFirstOrThrow();
      return toAppeal(row);
    },
    async listAppeals() {
      return (await db.selectFrom('appeals').selectAll().orderBy('created_at').execute()).map(toAppeal);
    },
    decideAppeal(id, granted) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('appeals')
          .set({ status: granted ? 'granted' : 'denied', decided_at: sql<Date>`now()` })
          .where('id', '=', id)
          .where('status', '=', 'open')
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        if (granted) await trx.updateTable('hosts').set({ suspended_at: null }).where('id', '=', row.host_id).execute();
        return toAppeal(row);
      });
    },
    async servedRequest(accountId, requestId) {
      const row = await db
        .selectFrom('usage_records')
        .select(['host_id', 'model_id'])
        .where('request_id', '=', requestId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row?.host_id ? { hostId: row.host_id, modelId: row.model_id } : undefined;
    },
    async disputeRecord(accountId) {
      const rows = await db
        .selectFrom('disputes')
        .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
        .where('account_id', '=', accountId)
        .groupBy('status')
        .execute();
      const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
      return { upheld: count('upheld'), rejected: count('rejected') };
    },
    async addDispute(d) {
      const row = await db
        .insertInto('disputes')
        .values({
          id: d.id,
          account_id: d.accountId,
          request_id: d.requestId,
          host_id: d.hostId,
          model_id: d.modelId,
          reason: d.reason,
        })
        .onConflict((oc) => oc.column('request_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      return row && toDispute(row);
    },
    async listDisputes(accountId) {
      const rows = await db
        .selectFrom('disputes')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute();
      return rows.map(toDispute);
    },
  };
}
const toDispute = (r: Selectable<Schema['disputes']>): DisputeRow => ({
  id: r.id,
  requestId: r.request_id,
  hostId: r.host_id,
  modelId: r.model_id,
  status: r.status,
  createdAtMs: r.created_at.getTime(),
});

const toAppeal = (r: Selectable<Schema['appeals']>): AppealRow => ({
  id: r.id,
  convictionId: r.conviction_id,
  hostId: r.host_id,
  reason: r.reason,
  status: r.status,
  createdAtMs: r.created_at.getTime(),
});
