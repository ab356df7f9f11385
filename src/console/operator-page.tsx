// The operator's page: requests/s, error rate and latency percentiles over time; hosts with health, circuit, share
// of traffic and scorecard; models and prices with the hosts' asks beside them and the price history; ledger totals;
// epoch reports; what verification costs; incidents.
import { useState } from 'preact/hooks';
import { ErrorNote, Figures, Section, Table, latency, percent, when } from './components.tsx';
import { IncidentsPanel } from './incidents-panel.tsx';
import { LineChart } from './line-chart.tsx';
import { market } from './api.ts';
import { useData } from './use-data.ts';

/** Latency bounds as numbers for a chart ("over 30 s" drawn at 30 s). */
const plotted = (ms: number | string | null): number | null =>
  ms === null ? null : typeof ms === 'number' ? ms : 30_000;

function TrafficCharts() {
  const traffic = useData('traffic', () => market.admin.traffic({ query: { hours: 1 } }));
  const points = traffic.data?.data ?? [];
  const times = points.map((p) => Date.parse(p.start) / 1000);
  const latest = points.at(-1);
  return (
    <Section title="Traffic, last hour">
      <ErrorNote error={traffic.error} />
      <Figures
        items={[
          ['Requests/s (latest)', latest ? latest.requests_per_second.toFixed(2) : '—', 'ops-rps'],
          ['Error rate (latest)', percent(latest?.error_rate), 'ops-error-rate'],
          ['Latency p50 / p95', latest ? `${latency(latest.latency_ms.p50)} / ${latency(latest.latency_ms.p95)}` : '—'],
          ['First token p50 / p95', latest ? `${latency(latest.ttft_ms.p50)} / ${latency(latest.ttft_ms.p95)}` : '—'],
        ]}
      />
      <div class="charts">
        <LineChart
          title="requests/s"
          times={times}
          series={[{ label: 'requests/s', values: points.map((p) => p.requests_per_second) }]}
          testId="ops-rps-chart"
        />
        <LineChart
          title="error rate"
          times={times}
          series={[{ label: 'error rate', values: points.map((p) => p.error_rate) }]}
        />
        <LineChart
          title="latency (ms)"
          times={times}
          series={[
            { label: 'p50', values: points.map((p) => plotted(p.latency_ms.p50)) },
            { label: 'p95', values: points.map((p) => plotted(p.latency_ms.p95)) },
            { label: 'first token p95', values: points.map((p) => plotted(p.ttft_ms.p95)) },
          ]}
        />
      </div>
    </Section>
  );
}

function Prices() {
  const pricing = useData('pricing', () => market.v1.getPricing());
  const [model, setModel] = useState('');
  const chosen = model || pricing.data?.data[0]?.model || '';
  // No history is asked for until there is a model to ask about (an empty model is a 400).
  const history = useData(chosen ? `price-history ${chosen}` : null, () =>
    market.v1.getPriceHistory({ query: { model: chosen, limit: 500 } }),
  );
  const points = chosen ? (history.data?.data ?? []) : [];
  return (
    <Section
      title="Models and prices"
      actions={
        <select aria-label="price history of" value={chosen} onChange={(e) => setModel(e.currentTarget.value)}>
          {(pricing.data?.data ?? []).map((p) => (
            <option key={p.model}>{p.model}</option>
          ))}
        </select>
      }
    >
      <ErrorNote error={pricing.error ?? history.error} />
      <Table
        testId="ops-prices"
        rows={pricing.data?.data}
        empty="No models."
        columns={[
          { label: 'Model', cell: (p) => p.model },
          { label: 'Prompt price', cell: (p) => p.price.prompt },
          { label: 'Completion price', cell: (p) => p.price.completion },
          { label: 'Cache read price', cell: (p) => p.price.input_cache_read },
          { label: 'Base prompt', cell: (p) => p.base.prompt },
          { label: 'Utilization', cell: (p) => percent(p.utilization) },
        ]}
      />
      <Table
        testId="ops-asks"
        rows={(pricing.data?.data ?? []).flatMap((p) => p.asks.map((a) => ({ ...a, model: p.model, price: p.price })))}
        empty="No hosts serve a model yet."
        columns={[
          { label: 'Model', cell: (a) => a.model },
          { label: 'Host', cell: (a) => a.name },
          // The market price never falls below the lowest ask of the hosts online (price liveness).
          {
            label: 'Ask (prompt / completion)',
            cell: (a) => (a.ask ? `${a.ask.prompt} / ${a.ask.completion}` : 'takes the market price'),
          },
          { label: 'Market price', cell: (a) => `${a.price.prompt} / ${a.price.completion}` },
          {
            label: 'State',
            cell: (a) => (a.priced_out ? 'priced out (above the ceiling)' : a.online ? 'online' : 'offline'),
          },
        ]}
      />
      <LineChart
        title={`price history of ${chosen}`}
        times={points.map((p) => Date.parse(p.at) / 1000)}
        series={[
          { label: 'prompt', values: points.map((p) => Number(p.price.prompt)) },
          { label: 'completion', values: points.map((p) => Number(p.price.completion)) },
        ]}
        testId="ops-price-chart"
      />
    </Section>
  );
}

/**
 * Verification compute as a share of serving compute, per model, on the gateway instance the console talks to; and
 * the profiles that judge hosts, with the date each was measured.
 */
function VerificationCost() {
  const cost = useData('verification-cost', () => market.admin.verificationCost());
  const profiles = useData('verification-profiles', () => market.admin.listVerificationProfiles());
  const share = (t: { share: number; served_tokens: number }) =>
    t.served_tokens === 0 ? '—' : `${(t.share * 100).toFixed(2)} %`;
  return (
    <Section title="Verification cost">
      <ErrorNote error={cost.error} />
      <Table
        testId="ops-verification-cost"
        rows={cost.data?.data}
        empty="No answers served on this gateway instance yet."
        columns={[
          { label: 'Model', cell: (c) => c.model },
          { label: 'Re-scored ÷ served (all hosts)', cell: (c) => share(c.overall) },
          { label: 'At steady state (no probation)', cell: (c) => share(c.steady) },
          { label: 'Goal', cell: (c) => `≤ ${(c.goal * 100).toFixed(0)} %` },
          {
            label: 'Tokens served / re-scored',
            cell: (c) => `${c.overall.served_tokens} / ${c.overall.rescored_tokens}`,
          },
        ]}
      />
      <ErrorNote error={profiles.error} />
      <Table
        testId="ops-verification-profiles"
        rows={profiles.data?.data}
        empty="No verification profiles installed."
        columns={[
          { label: 'Model', cell: (p) => p.model },
          { label: 'Engine / class', cell: (p) => `${p.engine_kind} / ${p.hardware_class}` },
          { label: 'Measured', cell: (p) => p.measured_at },
          { label: 'Per-check TV threshold', cell: (p) => p.per_check_mean_tv_threshold.toExponential(2) },
          { label: 'Pooled test', cell: (p) => (p.pooled ? 'yes' : 'no') },
        ]}
      />
    </Section>
  );
}

export function OperatorPage() {
  const hosts = useData('hosts', () => market.admin.listHosts());
  const ledger = useData('ledger', () => market.admin.ledgerByKind());
  const epochs = useData('epochs', () => market.admin.listEpochs());
  return (
    <>
      <TrafficCharts />
      <Section title="Hosts">
        <ErrorNote error={hosts.error} />
        <Table
          testId="ops-hosts"
          rows={hosts.data?.data}
          empty="No hosts have registered."
          columns={[
            { label: 'Host', cell: (h) => h.name },
            { label: 'Status', cell: (h) => (h.live ? h.status : `${h.status}, silent`) },
            { label: 'Models', cell: (h) => h.models.join(', ') },
            { label: 'Last heartbeat', cell: (h) => when(h.last_seen) },
            { label: 'Circuit', cell: (h) => h.circuit },
            { label: 'In flight', cell: (h) => h.in_flight },
            { label: 'Share (24 h)', cell: (h) => `${percent(h.traffic_24h.share)} (${h.traffic_24h.requests})` },
            { label: 'Reputation', cell: (h) => h.reputation.toFixed(2) },
            { label: 'Misses / strikes', cell: (h) => `${h.misses} / ${h.strikes}` },
          ]}
        />
      </Section>
      <Prices />
      <VerificationCost />
      <Section title="Ledger totals">
        <ErrorNote error={ledger.error} />
        <Table
          testId="ops-ledger"
          rows={ledger.data?.data}
          empty="No ledger accounts."
          columns={[
            { label: 'Account kind', cell: (k) => k.kind },
            { label: 'Accounts', cell: (k) => k.accounts },
            { label: 'Balance', cell: (k) => (k.asset === 'credit' ? k.balance : `${k.balance} units`) },
          ]}
        />
      </Section>
      <Section title="Epochs">
        <Table
          rows={epochs.data?.data}
          empty="No epochs yet."
          columns={[
            { label: 'Epoch', cell: (e) => e.epoch },
            { label: 'Ends', cell: (e) => when(e.ends) },
            { label: 'State', cell: (e) => (e.released ? 'released' : e.closed ? 'closed' : 'open') },
            { label: 'Requests', cell: (e) => e.report?.requests ?? '…' },
            { label: 'Revenue', cell: (e) => e.report?.revenue ?? '…' },
            { label: 'Hosts', cell: (e) => e.report?.host_earnings ?? '…' },
            { label: 'Platform', cell: (e) => e.report?.platform_fees ?? '…' },
            { label: 'Treasury', cell: (e) => e.report?.treasury ?? '…' },
            { label: 'Refunded', cell: (e) => e.report?.refunded ?? '…' },
          ]}
        />
      </Section>
      <IncidentsPanel />
    </>
  );
}
