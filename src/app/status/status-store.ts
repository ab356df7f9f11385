// What the status page and the incident log keep: traffic samples per model and span, and incidents with their
// timelines.
import type { Incident, IncidentStatus, IncidentUpdate } from '../../domain/status/incidents.ts';
import type { TrafficSample } from '../../domain/status/availability.ts';

export type StatusStore = {
  /** one instance's samples; samples older than `pruneBeforeMs` are removed in the same call */
  writeSamples(instanceId: string, samples: readonly TrafficSample[], pruneBeforeMs: number): Promise<void>;
  /** every instance's samples that started at or after `fromMs`, oldest first */
  samplesSince(fromMs: number): Promise<TrafficSample[]>;
  openIncident(incident: Incident): Promise<void>;
  /** appends to the timeline and sets the incident's status (resolvedAtMs when it resolves); false when it was resolved */
  addIncidentUpdate(
    incidentId: string,
    update: IncidentUpdate,
    status: IncidentStatus,
    resolvedAtMs: number | null,
  ): Promise<boolean>;
  findIncident(id: string): Promise<Incident | undefined>;
  /** open incidents and those resolved at or after `resolvedSinceMs`, newest first */
  listIncidents(resolvedSinceMs: number): Promise<Incident[]>;
};
