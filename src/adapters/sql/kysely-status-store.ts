// Traffic samples and the incident log in the database: every gateway instance writes its own samples, and the
// status page reads them all.
import type { Kysely } from 'kysely';
import type { StatusStore } from '../../app/status/status-store.ts';
import type { Incident, IncidentUpdate } from '../../domain/status/incidents.ts';
import type { Schema } from './schema.ts';

const updateRow = (incidentId: string, update: IncidentUpdate) => ({
  id: update.id,
  incident_id: incidentId,
  status: update.status,
  message: update.message,
  created_at: new Date(update.atMs),
});

export function createKyselyStatusStore(db: Kysely<Schema>): StatusStore {
  const incidentsWithUpdates = async (rows: Array<Schema['incidents']>): Promise<Incident[]> => {
    if (rows.length === 0) return [];
    const updates = await db
      .selectFrom('incident_updates')
      .selectAll()
      .where(
        'incident_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      impact: r.impact,
      models: r.models,
      status: r.status,
      openedAtMs: r.opened_at.getTime(),
      resolvedAtMs: r.resolved_at?.getTime() ?? null,
      updates: updates
        .filter((u) => u.incident_id === r.id)
        .map((u) => ({ id: u.id, status: u.status, message: u.message, atMs: u.created_at.getTime() })),
    }));
  };
  return {
    async writeSamples(instanceId, samples, pruneBeforeMs) {
      await db.transaction().execute(async (tx) => {
        if (samples.length > 0) {
          await tx
            .insertInto('traffic_samples')
            .values(
              samples.map((s) => ({
                instance_id: instanceId,
                model_id: s.modelId,
                started_at: new Date(s.startedAtMs),
                span_ms: s.spanMs,
                requests: s.requests,
                errors: s.errors,
                hosts_online: s.hostsOnline,
                ttft_histogram: [...s.ttftHistogram],
                latency_histogram: [...s.latencyHistogram],
              })),
            )
            .execute();
        }
        await tx.deleteFrom('traffic_samples').where('started_at', '<', new Date(pruneBeforeMs)).execute();
      });
    },
    async samplesSince(fromMs) {
      const rows = await db
        .selectFrom('traffic_samples')
        .selectAll()
        .where('started_at', '>=', new Date(fromMs))
        .orderBy('started_at')
        .orderBy('model_id')
        .execute();
      return rows.map((r) => ({
        modelId: r.model_id,
        startedAtMs: r.started_at.getTime(),
        spanMs: r.span_ms,
        requests: r.requests,
        errors: r.errors,
        hostsOnline: r.hosts_online,
        ttftHistogram: r.ttft_histogram,
        latencyHistogram: r.latency_histogram,
      }));
    },
    async openIncident(incident) {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('incidents')
          .values({
            id: incident.id,
            title: incident.title,
            impact: incident.impact,
            models: incident.models,
            status: incident.status,
            opened_at: new Date(incident.openedAtMs),
            resolved_at: null,
          })
          .execute();
        for (const update of incident.updates)
          await tx.insertInto('incident_updates').values(updateRow(incident.id, update)).execute();
      });
    },
    async addIncidentUpdate(incidentId, update, status, resolvedAtMs) {
      return db.transaction().execute(async (tx) => {
        // Only an unresolved incident moves: of two resolutions at once, one wins.
        const moved = await tx
          .updateTable('incidents')
          .set({ status, resolved_at: resolvedAtMs === null ? null : new Date(resolvedAtMs) })
          .where('id', '=', incidentId)
          .where('status', '<>', 'resolved')
          .returning('id')
          .execute();
        if (moved.length === 0) return false;
        await tx.insertInto('incident_updates').values(updateRow(incidentId, update)).execute();
        return true;
      });
    },
    async findIncident(id) {
      const rows = await db.selectFrom('incidents').selectAll().where('id', '=', id).execute();
      return (await incidentsWithUpdates(rows))[0];
    },
    async listIncidents(resolvedSinceMs) {
      const rows = await db
        .selectFrom('incidents')
        .selectAll()
        .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', new Date(resolvedSinceMs))]))
        .orderBy('opened_at', 'desc')
        .execute();
      return incidentsWithUpdates(rows);
    },
  };
}
