// Incidents on the status page: opened by the operator (or from a suggestion), updated along a timeline, resolved
// once. The rules of their life, free of storage.

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const INCIDENT_IMPACTS = ['minor', 'major', 'critical'] as const;
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];

export type IncidentUpdate = { id: string; status: IncidentStatus; message: string; atMs: number };
export type Incident = {
  id: string;
  title: string;
  impact: IncidentImpact;
  models: string[];
  status: IncidentStatus;
  openedAtMs: number;
  resolvedAtMs: number | null;
  updates: IncidentUpdate[];
};

/** Models that an open incident already names (no suggestion for them). */
export function coveredModels(incidents: readonly Incident[]): Set<string> {
  return new Set(incidents.filter((i) => i.status !== 'resolved').flatMap((i) => i.models));
}
