// The operator's incident log: suggestions from the traffic, opening an incident, and its timeline of updates.
import { useState } from 'preact/hooks';
import type { BodyInput } from '../contracts/http/route-contract.ts';
import { adminRoutes } from '../contracts/routes/admin-routes.ts';
import { market, type Answer } from './api.ts';
import { ErrorNote, Section, percent, when } from './components.tsx';
import { useAction, useData } from './use-data.ts';

type Incident = Answer<typeof adminRoutes.listIncidents>['data'][number];
type IncidentStatus = (typeof STATUSES)[number];

const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;

function IncidentCard(props: { incident: Incident; onChanged: () => void }) {
  const [status, setStatus] = useState<IncidentStatus>(
    props.incident.status === 'resolved' ? 'resolved' : 'monitoring',
  );
  const [message, setMessage] = useState('');
  const { error, run } = useAction(props.onChanged);
  const update = (event: Event) => {
    event.preventDefault();
    void run(() => market.admin.updateIncident({ params: { id: props.incident.id }, body: { status, message } }));
  };
  return (
    <article class="incident" data-testid="incident">
      <h3>
        {props.incident.title}{' '}
        <small>
          {props.incident.impact} · {props.incident.status} · {props.incident.models.join(', ') || 'all models'}
        </small>
      </h3>
      <ol>
        {props.incident.updates.map((u) => (
          <li key={u.id}>
            <time>{when(u.at)}</time> <b>{u.status}</b> {u.message}
          </li>
        ))}
      </ol>
      {props.incident.status !== 'resolved' && (
        <form class="inline" onSubmit={update}>
          <select
            aria-label="new status"
            value={status}
            onChange={(e) => setStatus(STATUSES.find((s) => s === e.currentTarget.value) ?? 'monitoring')}
          >
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <input
            aria-label="update message"
            placeholder="what changed"
            value={message}
            onInput={(e) => setMessage(e.currentTarget.value)}
          />
          <button type="submit">Post update</button>
        </form>
      )}
      <ErrorNote error={error} />
    </article>
  );
}

export function IncidentsPanel() {
  const incidents = useData('incidents', () => market.admin.listIncidents());
  const suggestions = useData('incident-suggestions', () => market.admin.incidentSuggestions());
  const [title, setTitle] = useState('');
  const [models, setModels] = useState('');
  const [message, setMessage] = useState('');
  const changed = () => {
    incidents.reload();
    suggestions.reload();
  };
  const { error, run } = useAction(changed);
  const open = (body: BodyInput<typeof adminRoutes.openIncident>) => run(() => market.admin.openIncident({ body }));
  const submit = (event: Event) => {
    event.preventDefault();
    void open({
      title,
      message,
      models: models
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    });
  };
  return (
    <Section title="Incidents">
      {(suggestions.data?.data ?? []).map((s) => (
        <p class="notice" key={s.model} data-testid="incident-suggestion">
          Suggested: <b>{s.model}</b>{' '}
          {s.reason === 'no_hosts' ? 'has had no host online' : `failed ${percent(s.error_rate)} of requests`} since{' '}
          {when(s.since)}.{' '}
          <button
            type="button"
            onClick={() =>
              void open({
                title: s.reason === 'no_hosts' ? `${s.model} unavailable` : `${s.model} errors`,
                impact: 'major',
                models: [s.model],
                message:
                  s.reason === 'no_hosts'
                    ? 'No host is online for this model; we are investigating.'
                    : 'Requests to this model are failing; we are investigating.',
              })
            }
          >
            Open incident
          </button>
        </p>
      ))}
      <form class="inline" onSubmit={submit}>
        <input
          aria-label="incident title"
          placeholder="title"
          value={title}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
        <input
          aria-label="affected models"
          placeholder="models, comma-separated"
          value={models}
          onInput={(e) => setModels(e.currentTarget.value)}
        />
        <input
          aria-label="first update"
          placeholder="what we know"
          value={message}
          onInput={(e) => setMessage(e.currentTarget.value)}
        />
        <button type="submit">Open incident</button>
      </form>
      <ErrorNote error={error ?? incidents.error} />
      {(incidents.data?.data ?? []).map((i) => (
        <IncidentCard key={i.id} incident={i} onChanged={changed} />
      ))}
    </Section>
  );
}
