// The public status (page and JSON), the operator's incident log with its suggestions, and the market's traffic
// over time for the operator's charts.
import {
  incidentSuggestions,
  openIncident,
  recentIncidents,
  updateIncident,
  type IncidentLogDeps,
} from '../../../app/status/incident-log.ts';
import { buildStatusReport, type StatusReport, type StatusReportDeps } from '../../../app/status/status-report.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { systemRoutes } from '../../../contracts/routes/public-routes.ts';
import type { Incident } from '../../../domain/status/incidents.ts';
import { trafficSeries } from '../../../domain/status/traffic-series.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
import { renderStatusPage } from './status-page.ts';
import { isoTime, isoTimeOrNull } from './views.ts';

export type StatusRouteDeps = {
  report: StatusReportDeps;
  incidents: IncidentLogDeps;
  /** the traffic samples' span: the status report is reused this long (a public page must not cost a database
   *  read per request), and no traffic chart is finer */
  sampleSpanMs: number;
};

/** JSON has no Infinity: a latency beyond the last bucket is reported as that bucket's bound, flagged. */
const latencyView = (ms: number | null) => (ms === null ? null : Number.isFinite(ms) ? ms : 'over_30000');

const incidentView = (i: Incident) => ({
  id: i.id,
  title: i.title,
  impact: i.impact,
  models: i.models,
  status: i.status,
  opened: isoTime(i.openedAtMs),
  resolved: isoTimeOrNull(i.resolvedAtMs),
  updates: i.updates.map((u) => ({ id: u.id, status: u.status, message: u.message, at: isoTime(u.atMs) })),
});

const statusView = (report: StatusReport) => ({
  generated: isoTime(report.generatedAtMs),
  models: report.models.map((m) => ({
    id: m.id,
    state: m.state,
    hosts_online: m.hostsOnline,
    price: {
      prompt: formatNanos(m.price.promptNanos),
      ...(m.price.completionNanos === null ? {} : { completion: formatNanos(m.price.completionNanos) }),
    },
    success_rate_1h: m.successRate,
    ttft_ms_1h: m.ttftMs && { p50: latencyView(m.ttftMs.p50), p95: latencyView(m.ttftMs.p95) },
    uptime: { '24h': m.uptime.day, '7d': m.uptime.week },
  })),
  incidents: report.incidents.map(incidentView),
});

export function registerStatusRoutes(table: RouteTable, deps: StatusRouteDeps): void {
  let cached: { report: Promise<StatusReport>; atMs: number } | undefined;
  const report = (): Promise<StatusReport> => {
    const nowMs = deps.report.clock.nowMs();
    if (!cached || nowMs - cached.atMs >= deps.sampleSpanMs) {
      const fresh = buildStatusReport(deps.report);
      cached = { report: fresh, atMs: nowMs };
      fresh.catch(() => (cached = undefined));
    }
    return cached.report;
  };

  defineRoute(table, systemRoutes.status).handle(async ({ reply }) =>
    reply.header('cache-control', 'no-cache').send(statusView(await report())),
  );
  defineRoute(table, systemRoutes.statusPage).handle(async ({ reply }) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(renderStatusPage(await report())),
  );

  defineRoute(table, adminRoutes.listIncidents).handle(async () => ({
    object: 'list',
    data: (await recentIncidents(deps.incidents)).map(incidentView),
  }));
  defineRoute(table, adminRoutes.incidentSuggestions).handle(async () => ({
    object: 'list',
    data: (await incidentSuggestions(deps.incidents)).map((s) => ({
      model: s.modelId,
      reason: s.reason,
      error_rate: s.errorRate,
      since: isoTime(s.sinceMs),
    })),
  }));
  defineRoute(table, adminRoutes.openIncident).handle(async ({ body }) => {
    const incident = await openIncident(deps.incidents, body);
    cached = undefined;
    return incidentView(incident);
  });
  defineRoute(table, adminRoutes.updateIncident).handle(async ({ params, body }) => {
    const incident = await updateIncident(deps.incidents, params.id, body.status, body.message);
    cached = undefined;
    return incidentView(incident);
  });
  defineRoute(table, adminRoutes.traffic).handle(async ({ query: { hours } }) => {
    const spanMs = hours * 3_600_000;
    const samples = await deps.incidents.store.samplesSince(deps.report.clock.nowMs() - spanMs);
    // About 60 points whatever the range, never finer than the samples themselves.
    const bucketMs = Math.max(deps.sampleSpanMs, Math.ceil(spanMs / 60));
    return {
      object: 'list',
      bucket_seconds: bucketMs / 1000,
      data: trafficSeries(samples, bucketMs).map((p) => ({
        start: isoTime(p.startMs),
        requests: p.requests,
        requests_per_second: p.requestsPerSecond,
        error_rate: p.errorRate,
        latency_ms: { p50: latencyView(p.latencyMs.p50), p95: latencyView(p.latencyMs.p95) },
        ttft_ms: { p50: latencyView(p.ttftMs.p50), p95: latencyView(p.ttftMs.p95) },
      })),
    };
  });
}
