// The trust store on SQL. The queue is a table: a sample is written when the market decides to keep it, scored by
// any verifier that reads it, and attached to a check. Convictions (with their refunds) and disputes live in their
// own files; createKyselyVerificationStore puts the aggregate together.
import { sql, type Kysely, type SqlBool } from 'kysely';
import type {
  CheckStore,
  Findings,
  SamplePayload,
  SampleQueue,
  StoredSample,
  VerificationStore,
} from '../../app/verification/verification-store.ts';
import { createKyselyConvictionStore } from './kysely-conviction-store.ts';
import { createKyselyDisputeStore } from './kysely-dispute-store.ts';
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

class CheckAlreadyMade extends Error {}

function createKyselySampleAndCheckStore(db: Kysely<Schema>): SampleQueue & CheckStore {
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
      // Findings stored before the pooled test (migration 029) have no |Δ logprob| sum nor greedy position count:
      // they count as 0, which only under-counts (and, judged by the cpu profile then, any mismatch failed anyway).
      return rows.map((r) => ({
        requestId: r.request_id,
        findings: { absLogprobDeltaSum: 0, greedyPositions: 0, ...(r.findings as object) } as Findings,
      }));
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
              mean_abs_logprob_delta: v.meanAbsLogprobDelta,
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
            .select([
              'evidence_score',
              'pooled_tv_score',
              'pooled_dlp_score',
              'checks_passed',
              'checks_failed',
              'hosts.reputation',
            ])
            .where('host_id', '=', check.hostId)
            .where('model_id', '=', check.modelId)
            .forUpdate()
            .executeTakeFirstOrThrow();
          const standing = next({
            evidenceScore: current.evidence_score,
            pooled: { meanTv: current.pooled_tv_score, meanAbsLogprobDelta: current.pooled_dlp_score },
            reputation: current.reputation,
            checksPassed: current.checks_passed,
            checksFailed: current.checks_failed,
          });
          await trx
            .updateTable('host_model_trust')
            .set({
              evidence_score: standing.evidenceScore,
              pooled_tv_score: standing.pooled.meanTv,
              pooled_dlp_score: standing.pooled.meanAbsLogprobDelta,
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
            meanAbsLogprobDelta: c.mean_abs_logprob_delta,
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
  };
}

export const createKyselyVerificationStore = (db: Kysely<Schema>): VerificationStore => ({
  ...createKyselySampleAndCheckStore(db),
  ...createKyselyConvictionStore(db),
  ...createKyselyDisputeStore(db),
});
