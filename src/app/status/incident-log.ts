// The operator's incident log: open (from scratch or from a suggestion), update along a timeline, resolve once.
import { marketError } from '../../contracts/errors/market-error.ts';
import {
  suggestIncidents,
  suggestionLookBackMs,
  type IncidentSuggestion,
} from '../../domain/status/incident-suggestions.ts';
import {
  coveredModels,
  type Incident,
  type IncidentImpact,
  type IncidentStatus,
} from '../../domain/status/incidents.ts';
import type { HealthRules } from '../../domain/status/availability.ts';
import type { Clock, Ids } from '../ports.ts';
import type { StatusStore } from './status-store.ts';

export type IncidentLogDeps = {
  store: StatusStore;
  clock: Clock;
  ids: Ids;
  rules: HealthRules;
  knownModels(): string[];
};

export type OpenIncident = { title: string; impact: IncidentImpact; models: string[]; message: string };

const RESOLVED_SHOWN_MS = 7 * 24 * 3_600_000;

function checkModels(deps: IncidentLogDeps, models: readonly string[]): void {
  const known = new Set(deps.knownModels());
  const unknown = models.find((m) => !known.has(m));
  if (unknown !== undefined)
    throw marketError('incident_model_not_found', `The model '${unknown}' does not exist.`, { param: 'models' });
}

export async function openIncident(deps: IncidentLogDeps, input: OpenIncident): Promise<Incident> {
  checkModels(deps, input.models);
  const atMs = deps.clock.nowMs();
  const incident: Incident = {
    id: deps.ids.newId('inc'),
    title: input.title,
    impact: input.impact,
    models: [...new Set(input.models)],
    status: 'investigating',
    openedAtMs: atMs,
    resolvedAtMs: null,
    updates: [{ id: deps.ids.newId('incu'), status: 'investigating', message: input.message, atMs }],
  };
  await deps.store.openIncident(incident);
  return incident;
}

export async function updateIncident(
  deps: IncidentLogDeps,
  id: string,
  status: IncidentStatus,
  message: string,
): Promise<Incident> {
  const incident = await deps.store.findIncident(id);
  if (!incident) throw marketError('incident_not_found', `No incident '${id}'.`);
  const resolved = () => marketError('incident_resolved', `Incident ${id} was resolved; open a new one.`);
  if (incident.status === 'resolved') throw resolved();
  const atMs = deps.clock.nowMs();
  const added = await deps.store.addIncidentUpdate(
    id,
    { id: deps.ids.newId('incu'), status, message, atMs },
    status,
    status === 'resolved' ? atMs : null,
  );
  if (!added) throw resolved();
  return (await deps.store.findIncident(id)) as Incident;
}

export async function recentIncidents(deps: Pick<IncidentLogDeps, 'store' | 'clock'>): Promise<Incident[]> {
  return deps.store.listIncidents(deps.clock.nowMs() - RESOLVED_SHOWN_MS);
}

export async function incidentSuggestions(deps: IncidentLogDeps): Promise<IncidentSuggestion[]> {
  const nowMs = deps.clock.nowMs();
  const [samples, incidents] = await Promise.all([
    deps.store.samplesSince(nowMs - suggestionLookBackMs(deps.rules)),
    recentIncidents(deps),
  ]);
  return suggestIncidents(samples, coveredModels(incidents), deps.rules, nowMs);
}
