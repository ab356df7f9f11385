// The host's page: models served, traffic and tokens over time, earnings per epoch, payable balance and payouts,
// reputation, format quality and verification results, maintenance windows.
import { useState } from 'preact/hooks';
import { market } from './api.ts';
import { ErrorNote, Figures, Section, Table, when } from './components.tsx';
import { LineChart, seriesByGroup } from './line-chart.tsx';
import { Pager, usePages } from './paging.tsx';
import { useAction, useData } from './use-data.ts';

function Traffic() {
  const from = Math.floor(Date.now() / 1000 / 60) * 60 - 6 * 3600;
  const series = useData(`host-usage-series ${from}`, () =>
    market.hosts.usageSeries({ query: { bucket: 'minute', from: String(from) } }),
  );
  const points = series.data?.data ?? [];
  const requests = seriesByGroup(
    points,
    (p) => Date.parse(p.start) / 1000,
    (p) => p.model,
    (p) => p.requests,
  );
  const tokens = seriesByGroup(
    points,
    (p) => Date.parse(p.start) / 1000,
    (p) => p.model,
    (p) => p.completion_tokens,
  );
  return (
    <Section title="Traffic per minute, last 6 hours">
      <ErrorNote error={series.error} />
      <LineChart title="requests" times={requests.times} series={requests.series} testId="host-requests-chart" />
      <LineChart title="completion tokens" times={tokens.times} series={tokens.series} />
    </Section>
  );
}

function Money() {
  const funds = useData('host-funds', () => market.hosts.funds());
  const payouts = useData('host-payouts', () => market.hosts.listPayouts());
  const epochs = useData('host-epochs', () => market.hosts.epochs());
  const { error, run } = useAction(() => {
    funds.reload();
    payouts.reload();
  });
  const requestPayout = () =>
    run(() => market.hosts.requestPayout({ body: {}, headers: { 'idempotency-key': crypto.randomUUID() } }));
  return (
    <>
      <Section
        title="Funds"
        actions={
          <button type="button" onClick={requestPayout}>
            Request payout of payable
          </button>
        }
      >
        <ErrorNote error={error ?? funds.error} />
        <Figures
          items={[
            ['Held back (earned, not yet payable)', funds.data?.held_back ?? '…', 'held-back'],
            ['Payable', funds.data?.payable ?? '…', 'payable'],
            ['Bond', funds.data?.bond ?? '…'],
            ['Unbonding', funds.data?.unbonding ?? '…'],
            ['Payout pending', funds.data?.payout_pending ?? '…'],
          ]}
        />
        <Table
          rows={payouts.data?.data}
          empty="No payouts yet."
          columns={[
            { label: 'Requested', cell: (p) => when(p.created) },
            { label: 'Amount', cell: (p) => p.amount },
            { label: 'Status', cell: (p) => p.status },
            { label: 'Reference', cell: (p) => p.reference ?? '—' },
          ]}
        />
      </Section>
      <Section title="Earnings per epoch">
        <Table
          testId="host-epochs"
          rows={epochs.data?.data}
          empty="No epochs yet."
          columns={[
            { label: 'Epoch', cell: (e) => e.number },
            { label: 'Ends', cell: (e) => when(e.ends) },
            { label: 'State', cell: (e) => (e.released ? 'released' : e.closed ? 'closed, held back' : 'open') },
            { label: 'Requests', cell: (e) => (e.closed ? e.requests : '…') },
            { label: 'Tokens', cell: (e) => (e.closed ? e.completion_tokens : '…') },
            { label: 'Earned', cell: (e) => (e.closed ? e.earned : '…') },
            { label: 'Slashed', cell: (e) => e.slashed },
          ]}
        />
      </Section>
    </>
  );
}

function Maintenance() {
  const windows = useData('host-maintenance', () => market.hosts.listMaintenance());
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const { error, run } = useAction(windows.reload);
  const declare = (event: Event) => {
    event.preventDefault();
    void run(() =>
      market.hosts.declareMaintenance({
        body: { starts_at: new Date(startsAt).toISOString(), ends_at: new Date(endsAt).toISOString() },
      }),
    );
  };
  return (
    <Section title="Maintenance windows">
      <form class="inline" onSubmit={declare}>
        <label>
          from <input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.currentTarget.value)} />
        </label>
        <label>
          to <input type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.currentTarget.value)} />
        </label>
        <button type="submit">Declare</button>
      </form>
      <ErrorNote error={error ?? windows.error} />
      <Table
        rows={windows.data?.data}
        empty="No maintenance declared."
        columns={[
          { label: 'From', cell: (w) => when(w.starts_at) },
          { label: 'To', cell: (w) => when(w.ends_at) },
          {
            label: '',
            cell: (w) => (
              <button
                type="button"
                onClick={() => void run(() => market.hosts.cancelMaintenance({ params: { id: w.id } }))}
              >
                Cancel
              </button>
            ),
          },
        ]}
      />
    </Section>
  );
}

export function HostPage() {
  const me = useData('host-me', () => market.hosts.me());
  const checkPages = usePages('');
  const checks = useData(`host-checks ${checkPages.size} ${checkPages.after ?? ''}`, () =>
    market.hosts.checks({ query: { limit: checkPages.size, after: checkPages.after } }),
  );
  return (
    <>
      <Section title={me.data?.name ?? 'Host'}>
        <ErrorNote error={me.error} />
        <Figures
          items={[
            ['Models served', me.data?.models.join(', ') || '…', 'host-models'],
            ['Requests served', me.data?.traffic.requests ?? '…', 'host-requests'],
            ['Completion tokens', me.data?.traffic.completion_tokens ?? '…'],
            ['Reputation', me.data ? me.data.reputation.toFixed(2) : '…'],
            ['Misses / strikes', me.data ? `${me.data.misses} / ${me.data.strikes}` : '…'],
            ['Last heartbeat', when(me.data?.last_seen ?? null)],
            ['Suspended', me.data?.suspended_since ? when(me.data.suspended_since) : 'no'],
          ]}
        />
      </Section>
      <Section title="Format quality">
        <p class="muted">
          Answers to requests with tools or a JSON response format, judged on every answer: a tool call that does not
          parse, names an unknown function or fails its schema, or JSON that does not validate, is a format failure. A
          rate well above the model's other hosts lowers this host's share of traffic.
        </p>
        <Table
          testId="host-formats"
          rows={me.data?.formats}
          empty="No answers judged for their format yet."
          columns={[
            { label: 'Model', cell: (f) => f.model },
            { label: 'Judged answers', cell: (f) => f.answers },
            { label: 'Failures', cell: (f) => f.failures },
            { label: 'Failure rate', cell: (f) => `${(f.failure_rate * 100).toFixed(1)} %` },
            {
              label: 'By kind',
              cell: (f) =>
                Object.entries(f.failures_by_kind)
                  .map(([kind, n]) => `${kind.replaceAll('_', ' ')}: ${n}`)
                  .join(', ') || '—',
            },
          ]}
        />
      </Section>
      <Traffic />
      <Money />
      <Section title="Verification">
        <ErrorNote error={checks.error} />
        <Table
          testId="host-checks"
          rows={checks.data?.checks}
          empty="No verification checks of this host yet."
          columns={[
            { label: 'Check', cell: (c) => c.id },
            { label: 'Model', cell: (c) => c.model },
            { label: 'Result', cell: (c) => (c.passed ? 'passed' : 'failed') },
            { label: 'Positions', cell: (c) => c.positions },
            // Distances of an honest host are tiny (1e-6 and below): fixed decimals would show them all as zero.
            { label: 'Mean TV', cell: (c) => c.mean_tv.toExponential(2) },
          ]}
        />
        <Pager
          pages={checkPages}
          hasMore={checks.data?.has_more}
          lastRowId={checks.data?.checks.at(-1)?.id}
          label="checks"
        />
        <Table
          rows={checks.data?.convictions}
          empty="No convictions."
          columns={[
            { label: 'Conviction', cell: (c) => c.id },
            { label: 'Model', cell: (c) => c.model },
            { label: 'Refunded', cell: (c) => c.refunded },
          ]}
        />
      </Section>
      <Maintenance />
    </>
  );
}
