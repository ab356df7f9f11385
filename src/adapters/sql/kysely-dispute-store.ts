// Buyers' disputes on SQL: one per served request; a check of the host and SKU resolves them (kysely-verification-store).
import type { Kysely, Selectable } from 'kysely';
import type { DisputeRow, DisputeStore } from '../../app/verification/verification-store.ts';
import type { Schema } from './schema.ts';

const toDispute = (r: Selectable<Schema['disputes']>): DisputeRow => ({
  id: r.id,
  requestId: r.request_id,
  hostId: r.host_id,
  modelId: r.model_id,
  status: r.status,
  createdAtMs: r.created_at.getTime(),
});

export function createKyselyDisputeStore(db: Kysely<Schema>): DisputeStore {
  return {
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
