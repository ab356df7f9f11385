// Prometheus metrics with bounded labels: route templates (never raw paths), model ids from the catalog, status
// classes. No key, account or prompt ever becomes a label.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CompletionMetrics } from '../../app/ports.ts';

export type MarketMetrics = {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status_class'>;
  requestSeconds: Histogram<'route' | 'method'>;
  billingBatchSeconds: Histogram;
  completions: CompletionMetrics;
};

export function createMarketMetrics(): MarketMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const completions = new Counter({
    name: 'agora_completions_total',
    help: 'Completions by catalog model and outcome (ok, client_closed, rejected_by_host, no_host_succeeded, host_failed_mid_stream)',
    labelNames: ['model', 'status'],
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'agora_upstream_duration_seconds',
    help: 'Upstream time by model: to the first byte (phase="first_byte": response headers of a stream, the whole answer otherwise) and to the end (phase="total")',
    labelNames: ['model', 'phase'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  return {
    completions: {
      completed({ modelId, status, upstream }) {
        completions.inc({ model: modelId, status });
        if (!upstream) return;
        upstreamSeconds.observe({ model: modelId, phase: 'first_byte' }, upstream.firstByteMs / 1000);
        upstreamSeconds.observe({ model: modelId, phase: 'total' }, upstream.totalMs / 1000);
      },
    },
    registry,
    requests: new Counter({ name: 'agora_http_requests_total', help: 'HTTP requests by route template and status class', labelNames: ['route', 'method', 'status_class'], registers: [registry] }),
    requestSeconds: new Histogram({
      name: 'agora_http_request_duration_seconds',
      help: 'HTTP request duration by route template (to the end of the response, streams included)',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    billingBatchSeconds: new Histogram({
      name: 'agora_ledger_batch_duration_seconds',
      help: 'Time to commit one billing batch (captures and lease returns) to the database',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
  };
}
