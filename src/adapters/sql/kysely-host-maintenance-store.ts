// Hosts' maintenance windows and capacity probes on SQL: what a host announced and what the market measured of it.
import { sql, type Kysely } from 'kysely';
import type { CapacityStore } from '../../app/hosts/capacity-store.ts';
import type { MaintenanceStore } from '../../app/hosts/maintenance-store.ts';
import type { Schema } from './schema.ts';

export const listMaintenanceFrom =
  (db: Kysely<Schema>): MaintenanceStore['listMaintenance'] =>
  async (nowMs, hostIds) => {
    let query = db
      .selectFrom('host_maintenance')
      .selectAll()
      .where('cancelled_at', 'is', null)
      .where('ends_at', '>', new Date(nowMs));
    if (hostIds)
      query = hostIds.length === 0 ? query.where(sql<boolean>`false`) : query.where('host_id', 'in', hostIds);
    const rows = await query.orderBy('starts_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      hostId: r.host_id,
      startsAtMs: r.starts_at.getTime(),
      endsAtMs: r.ends_at.getTime(),
    }));
  };

export const listCapacityFrom =
  (db: Kysely<Schema>): CapacityStore['listCapacity'] =>
  async (hostIds) => {
    let query = db.selectFrom('host_capacity').selectAll();
    if (hostIds)
      query = hostIds.length === 0 ? query.where(sql<boolean>`false`) : query.where('host_id', 'in', hostIds);
    const rows = await query.orderBy('host_id').orderBy('model_id').execute();
    return rows.map((r) => ({
      hostId: r.host_id,
      modelId: r.model_id,
      ttftMs: r.ttft_ms,
      prefillTokensPerSecond: r.prefill_tokens_per_second,
      decodeTokensPerSecond: r.decode_tokens_per_second,
      measuredAtMs: r.measured_at.getTime(),
    }));
  };

export function createKyselyMaintenanceStore(db: Kysely<Schema>): MaintenanceStore {
  return {
    listMaintenance: listMaintenanceFrom(db),
    async addMaintenance(window) {
      await db
        .insertInto('host_maintenance')
        .values({
          id: window.id,
          host_id: window.hostId,
          starts_at: new Date(window.startsAtMs),
          ends_at: new Date(window.endsAtMs),
        })
        .execute();
    },
    async cancelMaintenance(hostId, windowId) {
      const result = await db
        .updateTable('host_maintenance')
        .set({ cancelled_at: sql<Date>`now()` })
        .where('id', '=', windowId)
        .where('host_id', '=', hostId)
        .where('cancelled_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

export function createKyselyCapacityStore(db: Kysely<Schema>): CapacityStore {
  return {
    async recordCapacity(m) {
      const values = {
        ttft_ms: m.ttftMs,
        prefill_tokens_per_second: m.prefillTokensPerSecond,
        decode_tokens_per_second: m.decodeTokensPerSecond,
        measured_at: new Date(m.measuredAtMs),
      };
      await db
        .insertInto('host_capacity')
        .values({ host_id: m.hostId, model_id: m.modelId, ...values })
        .onConflict((oc) => oc.columns(['host_id', 'model_id']).doUpdateSet(values))
        .execute();
    },
    listCapacity: listCapacityFrom(db),
  };
}
