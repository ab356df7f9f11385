// Prometheus metrics with bounded labels: route templates (never raw paths), model ids from the catalog, host ids
// of registered hosts, status classes and fixed outcome names. No key, account or prompt ever becomes a label.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CompletionMetrics } from '../../app/ports.ts';
import type { AttemptOutcome, HostState } from '../../app/v1/host-router.ts';
import type { AdmissionMetrics } from '../../app/v1/admission-queue.ts';
import type { FormatState } from '../../app/v1/format-quality.ts';
import type { FormatOutcome } from '../../domain/formats/format-judge.ts';
import type { ModelVerificationCost } from '../../app/verification/verification-cost.ts';

/** What the gauges read at scrape time. */
export type MetricSources = {
  hostStates(): HostState[];
  models(): Array<{ id: string; hostsOnline: number; promptNanos: bigint; completionNanos: bigint }>;
  /** what routing sees of each host's recent format outcomes per model */
  formatStates(): FormatState[];
  /** served and re-scored tokens per model on this gateway instance (what verification costs) */
  verificationCosts(): ModelVerificationCost[];
};

export type MarketMetrics = {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status_class'>;
  requestSeconds: Histogram<'route' | 'method'>;
  billingBatchSeconds: Histogram;
  /** an answer's end waits for its capture to be durable: the time it waited */
  captureWaitSeconds: Histogram;
  billingAbandoned: Counter<'operation'>;
  settlementSeconds: Histogram;
  completions: CompletionMetrics;
  admission: AdmissionMetrics;
  hostAttempt(hostId: string, outcome: AttemptOutcome): void;
  verificationCheck(modelId: string, passed: boolean): void;
  /** an answer judged for its requested format (tool calls, JSON) */
  formatAnswer(modelId: string, hostId: string, outcome: FormatOutcome): void;
};

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];
const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;

export function createMarketMetrics(sources: MetricSources): MarketMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const completions = new Counter({
    name: 'agora_completions_total',
    help: 'Completions by catalog model and outcome (ok, client_closed, rejected_by_host, no_host_succeeded, host_failed_mid_stream)',
    labelNames: ['model', 'status'],
    registers,
  });
  const upstreamSeconds = new Histogram({
    name: 'agora_upstream_duration_seconds',
    help: 'Upstream time by model: to the first token (phase="first_token": the first token of a stream, the whole answer otherwise) and to the end (phase="total")',
    labelNames: ['model', 'phase'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const hostAttempts = new Counter({
    name: 'agora_host_attempts_total',
    help: "Attempts sent to each host by how they ended (ok, failed, cancelled, outpaced: a hedge's loser)",
    labelNames: ['host', 'outcome'],
    registers,
  });
  const verificationChecks = new Counter({
    name: 'agora_verification_checks_total',
    help: 'Verification checks of sampled answers against the reference engine, by model and result (passed, failed)',
    labelNames: ['model', 'result'],
    registers,
  });
  const formatAnswers = new Counter({
    name: 'agora_format_answers_total',
    help: 'Answers judged for the format their request asked for (tool calls, JSON), by model, host and outcome (ok or the kind of format failure)',
    labelNames: ['model', 'host', 'outcome'],
    registers,
  });
  new Counter({
    name: 'agora_verification_tokens_total',
    help: 'Tokens of answers served (kind="served") and re-scored on the reference (kind="rescored"), by model and the host\'s stage (probation: sampled above the floor; steady: at the floor), on this gateway instance',
    labelNames: ['model', 'kind', 'stage'],
    registers,
    collect() {
      this.reset();
      for (const cost of sources.verificationCosts()) {
        const probation = {
          servedTokens: cost.overall.servedTokens - cost.steady.servedTokens,
          rescoredTokens: cost.overall.rescoredTokens - cost.steady.rescoredTokens,
        };
        for (const [stage, tally] of [
          ['probation', probation],
          ['steady', cost.steady],
        ] as const) {
          this.inc({ model: cost.modelId, kind: 'served', stage }, tally.servedTokens);
          this.inc({ model: cost.modelId, kind: 'rescored', stage }, tally.rescoredTokens);
        }
      }
    },
  });
  new Gauge({
    name: 'agora_verification_cost_share',
    help: 'Verification compute as a share of serving compute: re-scored ÷ served tokens per model, over all answers (scope="all") and excluding hosts on probation (scope="steady"); the goal is ≤ 0.02',
    labelNames: ['model', 'scope'],
    registers,
    collect() {
      this.reset();
      for (const cost of sources.verificationCosts()) {
        this.set({ model: cost.modelId, scope: 'all' }, cost.overall.share);
        this.set({ model: cost.modelId, scope: 'steady' }, cost.steady.share);
      }
    },
  });
  new Gauge({
    name: 'agora_host_format_failure_rate',
    help: "Each host's format-failure rate over its last judged answers per model, as routing on this gateway instance sees it",
    labelNames: ['model', 'host'],
    registers,
    collect() {
      this.reset();
      for (const state of sources.formatStates())
        this.set({ model: state.modelId, host: state.hostId }, state.failureRate);
    },
  });
  new Gauge({
    name: 'agora_host_format_weight',
    help: "Each host's routing-weight factor per model from its format failures (1, or the set weight when its rate exceeds the model's median by the margin)",
    labelNames: ['model', 'host'],
    registers,
    collect() {
      this.reset();
      for (const state of sources.formatStates()) this.set({ model: state.modelId, host: state.hostId }, state.factor);
    },
  });
  new Gauge({
    name: 'agora_host_in_flight',
    help: 'Attempts in flight per host on this gateway instance',
    labelNames: ['host'],
    registers,
    collect() {
      this.reset();
      for (const state of sources.hostStates()) this.set({ host: state.hostId }, state.inFlight);
    },
  });
  new Gauge({
    name: 'agora_host_circuit_state',
    help: "Each host's circuit on this gateway instance: 1 for its current state (closed, open, half_open), 0 for the others",
    labelNames: ['host', 'state'],
    registers,
    collect() {
      this.reset();
      for (const host of sources.hostStates())
        for (const state of CIRCUIT_STATES) this.set({ host: host.hostId, state }, host.circuit === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'agora_model_hosts_online',
    help: 'Hosts each model can be routed to now (alive, active, not suspended or in maintenance)',
    labelNames: ['model'],
    registers,
    collect() {
      this.reset();
      for (const model of sources.models()) this.set({ model: model.id }, model.hostsOnline);
    },
  });
  new Gauge({
    name: 'agora_model_price_nanos',
    help: "Each model's current demand price per token in nano-units, by kind (prompt, completion)",
    labelNames: ['model', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const model of sources.models()) {
        this.set({ model: model.id, kind: 'prompt' }, Number(model.promptNanos));
        this.set({ model: model.id, kind: 'completion' }, Number(model.completionNanos));
      }
    },
  });
  const admissionQueued = new Gauge({
    name: 'agora_admission_queue_depth',
    help: "Requests waiting for a free slot of each model's hosts on this gateway instance",
    labelNames: ['model'],
    registers,
  });
  const admissionRunning = new Gauge({
    name: 'agora_admission_in_flight',
    help: 'Requests of each model holding a slot on this gateway instance',
    labelNames: ['model'],
    registers,
  });
  const admissionShed = new Counter({
    name: 'agora_admission_shed_total',
    help: 'Requests answered 503 overloaded before reaching a host, by model and reason (queue_full, wait_timeout)',
    labelNames: ['model', 'reason'],
    registers,
  });
  return {
    admission: {
      load(modelId, running, queued) {
        admissionRunning.set({ model: modelId }, running);
        admissionQueued.set({ model: modelId }, queued);
      },
      shed: (modelId, reason) => admissionShed.inc({ model: modelId, reason }),
    },
    completions: {
      completed({ modelId, status, upstream }) {
        completions.inc({ model: modelId, status });
        if (!upstream) return;
        upstreamSeconds.observe({ model: modelId, phase: 'first_token' }, upstream.firstByteMs / 1000);
        upstreamSeconds.observe({ model: modelId, phase: 'total' }, upstream.totalMs / 1000);
      },
    },
    hostAttempt: (hostId, outcome) => hostAttempts.inc({ host: hostId, outcome }),
    formatAnswer: (modelId, hostId, outcome) => formatAnswers.inc({ model: modelId, host: hostId, outcome }),
    verificationCheck: (modelId, passed) =>
      verificationChecks.inc({ model: modelId, result: passed ? 'passed' : 'failed' }),
    registry,
    requests: new Counter({
      name: 'agora_http_requests_total',
      help: 'HTTP requests by route template and status class',
      labelNames: ['route', 'method', 'status_class'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'agora_http_request_duration_seconds',
      help: 'HTTP request duration by route template (to the end of the response, streams included)',
      labelNames: ['route', 'method'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    billingBatchSeconds: new Histogram({
      name: 'agora_ledger_batch_duration_seconds',
      help: 'Time to commit one billing batch (captures and lease returns) to the database',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    }),
    captureWaitSeconds: new Histogram({
      name: 'agora_billing_capture_wait_seconds',
      help: "Time from an answer's settlement to its capture being durable: what the end of an answer (JSON body, usage chunk and [DONE]) waits",
      buckets: [0.001, 0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.05, 0.1, 0.5, 1, 10],
      registers,
    }),
    billingAbandoned: new Counter({
      name: 'agora_billing_abandoned_total',
      help: 'Billing operations given up after the database stayed unwritable past the give-up time: capture (an answer ended in a billing_unavailable error, nothing charged) or return-lease (the lease expires and is reclaimed)',
      labelNames: ['operation'],
      registers,
    }),
    settlementSeconds: new Histogram({
      name: 'agora_ledger_settlement_duration_seconds',
      help: 'Time of one epoch settlement run (closing due epochs, releasing held-back earnings and unbondings)',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
  };
}
