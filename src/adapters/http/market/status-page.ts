// The public status page, rendered on the server: it needs no bundle and no script, and reads the same report as
// /status.json.
import type { StatusReport } from '../../../app/status/status-report.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { LATENCY_BOUNDS_MS } from '../../../domain/status/latency-histogram.ts';
import { headlineStateOf } from '../../../domain/status/model-state.ts';
import { FAVICON_LINK } from './favicon.ts';
import { isoTime } from './views.ts';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const percent = (share: number | null): string => (share === null ? '—' : `${(share * 100).toFixed(2)} %`);
const SLOWEST_BOUND_MS = Math.max(...LATENCY_BOUNDS_MS);

/** One unit for a whole column: seconds once any figure in it reaches a second (or lies past the last bucket). */
const latencyUnitOf = (column: ReadonlyArray<number | null>): 'ms' | 's' =>
  column.some((ms) => ms !== null && ms >= 1_000) ? 's' : 'ms';
const latencyLabel = (ms: number | null, unit: 'ms' | 's'): string => {
  if (ms === null) return '—';
  const inUnit = (value: number) => String(unit === 's' ? value / 1_000 : value);
  return Number.isFinite(ms) ? `≤ ${inUnit(ms)}` : `> ${inUnit(SLOWEST_BOUND_MS)}`;
};
const STATE_COLOURS = { operational: '#1a7f37', degraded: '#9a6700', down: '#cf222e' } as const;

export function renderStatusPage(report: StatusReport): string {
  const worst = headlineStateOf(report.models.map((m) => m.state));
  const ttftUnit = latencyUnitOf(report.models.flatMap((m) => (m.ttftMs ? [m.ttftMs.p50, m.ttftMs.p95] : [])));
  const headline = {
    operational: 'All models operational',
    degraded: 'Some models degraded',
    down: 'Some models are down',
  }[worst];
  const rows = report.models
    .map(
      (m) => `<tr data-model="${escape(m.id)}">
<td>${escape(m.id)}</td>
<td class="state" style="color:${STATE_COLOURS[m.state]}">${m.state}</td>
<td>${m.hostsOnline}</td>
<td>${percent(m.successRate)}</td>
<td>${m.ttftMs ? `${latencyLabel(m.ttftMs.p50, ttftUnit)} / ${latencyLabel(m.ttftMs.p95, ttftUnit)}` : 'n/a (embeddings)'}</td>
<td>${m.price.completionNanos === null ? `${formatNanos(m.price.promptNanos)} per input token` : `${formatNanos(m.price.promptNanos)} / ${formatNanos(m.price.completionNanos)}`}</td>
<td>${percent(m.uptime.day)}</td>
<td>${percent(m.uptime.week)}</td>
</tr>`,
    )
    .join('\n');
  const incidents = report.incidents
    .map(
      (i) => `<article class="incident" data-incident="${escape(i.id)}">
<h3>${escape(i.title)} <small>${i.impact} · ${i.status}</small></h3>
<p>Models: ${i.models.map(escape).join(', ') || 'all'} · opened ${isoTime(i.openedAtMs)}${i.resolvedAtMs === null ? '' : ` · resolved ${isoTime(i.resolvedAtMs)}`}</p>
<ol>${[...i.updates]
        .reverse()
        .map((u) => `<li><time>${isoTime(u.atMs)}</time> <b>${u.status}</b> ${escape(u.message)}</li>`)
        .join('')}</ol>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>Agora status</title>
${FAVICON_LINK}
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem}.headline{padding:.8rem 1rem;border-radius:6px;color:#fff;background:${STATE_COLOURS[worst]}}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d7de;font-size:.9rem}
.incident{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:.5rem 0}small{color:#57606a;font-weight:normal}
time{color:#57606a;font-size:.85rem}
</style>
</head>
<body>
<h1>Agora status</h1>
<p class="headline" data-state="${worst}">${headline}</p>
<table>
<thead><tr><th>Model</th><th>State</th><th>Hosts online</th><th>Success (1 h)</th><th>First token p50 / p95 (1 h, ${ttftUnit})</th><th>Price prompt / completion</th><th>Uptime 24 h</th><th>Uptime 7 d</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Incidents</h2>
${incidents || '<p>No incidents in the last 7 days.</p>'}
<p><small>Generated ${isoTime(report.generatedAtMs)} from the market's traffic samples · <a href="/status.json">status.json</a> · <a href="/console">console</a></small></p>
</body>
</html>`;
}
