// Usage records read back on SQL: a filtered page (keyset paging), the console's series per time bucket, and
// requests per host. SQL SUMs and counts only: no money moves here.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { UsageFilter, UsageRow, UsageStore } from '../../app/billing/usage-store.ts';
import type { Schema } from './schema.ts';

const usageWhere =
  (filter: UsageFilter) =>
  (eb: ExpressionBuilder<Schema, 'usage_records'>): Expression<SqlBool> => {
    const conditions: Array<Expression<SqlBool>> = [];
    if (filter.accountId !== undefined) conditions.push(eb('account_id', '=', filter.accountId));
    if (filter.hostId !== undefined) conditions.push(eb('host_id', '=', filter.hostId));
    if (filter.modelId !== undefined) conditions.push(eb('model_id', '=', filter.modelId));
    if (filter.keyPrefix !== undefined) conditions.push(eb('key_prefix', '=', filter.keyPrefix));
    if (filter.keyIds !== undefined)
      conditions.push(filter.keyIds.length === 0 ? sql<SqlBool>`false` : eb('key_id', 'in', filter.keyIds));
    if (filter.fromMs !== undefined) conditions.push(eb('created_at', '>=', new Date(filter.fromMs)));
    if (filter.toMs !== undefined) conditions.push(eb('created_at', '<', new Date(filter.toMs)));
    return eb.and(conditions);
  };

export function createKyselyUsageStore(db: Kysely<Schema>): UsageStore {
  return {
    async listUsage(filter, limit, after) {
      let query = db.selectFrom('usage_records').selectAll().where(usageWhere(filter));
      // Keyset paging: the rows after the cursor's row in (created_at, request_id) order. The cursor is looked up
      // within the same filter, so one naming another account's record (or none) gives an empty page, not its rows.
      if (after !== undefined) {
        const cursor = db
          .selectFrom('usage_records')
          .select(['created_at', 'request_id'])
          .where('request_id', '=', after)
          .where(usageWhere(filter));
        query = query.where(sql<SqlBool>`(created_at, request_id) < (${cursor})`);
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('request_id', 'desc').limit(limit).execute();
      return rows.map((r): UsageRow => ({
        requestId: r.request_id,
        keyPrefix: r.key_prefix,
        modelId: r.model_id,
        hostId: r.host_id,
        promptTokens: r.prompt_tokens,
        completionTokens: r.completion_tokens,
        promptPrice: r.prompt_price,
        completionPrice: r.completion_price,
        cachedTokens: r.cached_tokens,
        reasoningTokens: r.reasoning_tokens,
        cachedPromptPrice: r.cached_prompt_price,
        reasoningPrice: r.reasoning_price,
        cost: r.cost,
        status: r.status,
        attempts: r.attempts,
        hedged: r.hedged,
        receipt:
          r.request_digest === null || r.response_digest === null
            ? null
            : { requestDigest: r.request_digest, responseDigest: r.response_digest, signature: r.host_signature },
        createdAtMs: r.created_at.getTime(),
        refundedBy: r.refunded_by,
      }));
    },
    async usageSeries(filter, bucket, perKey) {
      // The bucket inlined as a literal (one of three names): a parameter would make the SELECT and GROUP BY differ.
      const start = sql<Date>`date_trunc(${sql.lit(bucket)}, created_at)`;
      // A host's series sums over buyers' keys: it never sees them.
      const key = perKey ? sql<string>`key_prefix` : sql<string>`''`;
      const rows = await db
        .selectFrom('usage_records')
        .where(usageWhere(filter))
        .select((eb) => [
          start.as('bucket_start'),
          'model_id',
          key.as('key_prefix'),
          eb.fn.countAll<string>().as('requests'),
          eb.fn.sum<string>('prompt_tokens').as('prompt_tokens'),
          eb.fn.sum<string>('completion_tokens').as('completion_tokens'),
          eb.fn.sum<string>('cost').as('cost'),
        ])
        .groupBy(perKey ? [start, 'model_id', 'key_prefix'] : [start, 'model_id'])
        .orderBy(start)
        .execute();
      return rows.map((r) => ({
        bucketStartMs: r.bucket_start.getTime(),
        modelId: r.model_id,
        keyPrefix: r.key_prefix,
        requests: Number(r.requests),
        promptTokens: Number(r.prompt_tokens),
        completionTokens: Number(r.completion_tokens),
        cost: BigInt(r.cost),
      }));
    },
    async requestsByHost(sinceMs) {
      const rows = await db
        .selectFrom('usage_records')
        .select((eb) => ['host_id', eb.fn.countAll<string>().as('requests')])
        .where('created_at', '>=', new Date(sinceMs))
        .where('host_id', 'is not', null)
        .groupBy('host_id')
        .execute();
      return new Map(rows.map((r) => [r.host_id as string, Number(r.requests)]));
    },
  };
}
