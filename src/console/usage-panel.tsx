// The buyer's usage records, filtered by model, key and time, a page at a time, and the same selection as CSV.
import { useState } from 'preact/hooks';
import { ErrorNote, Section, Table, when } from './components.tsx';
import { Pager, usePages } from './paging.tsx';
import { market } from './api.ts';
import { useData } from './use-data.ts';

const toSeconds = (local: string): string | undefined =>
  local ? String(Math.floor(new Date(local).getTime() / 1000)) : undefined;

export function UsagePanel() {
  const [model, setModel] = useState('');
  const [key, setKey] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const params = new URLSearchParams(
    Object.entries({ model, key, from: toSeconds(from), to: toSeconds(to) }).filter(
      (entry): entry is [string, string] => Boolean(entry[1]),
    ),
  );
  const pages = usePages(params.toString());
  const filters = Object.fromEntries(params);
  const usage = useData(`usage ${params} ${pages.size} ${pages.after ?? ''}`, () =>
    market.v1.listUsage({ query: { ...filters, limit: pages.size, after: pages.after } }),
  );
  const csv = new URLSearchParams({ ...filters, format: 'csv', limit: '10000' });
  return (
    <Section
      title="Usage"
      actions={
        <a class="button" href={`/v1/usage?${csv}`} download="agora-usage.csv">
          Export CSV
        </a>
      }
    >
      <div class="filters">
        <input
          aria-label="filter by model"
          placeholder="model"
          value={model}
          onChange={(e) => setModel(e.currentTarget.value)}
        />
        <input
          aria-label="filter by key prefix"
          placeholder="key prefix"
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
        />
        <label>
          from <input type="datetime-local" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          to <input type="datetime-local" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
      </div>
      <ErrorNote error={usage.error} />
      <Table
        testId="usage-table"
        rows={usage.data?.data}
        empty="No usage matches."
        columns={[
          { label: 'Time', cell: (r) => when(new Date(r.created * 1000).toISOString()) },
          { label: 'Model', cell: (r) => r.model },
          { label: 'Key', cell: (r) => r.key_prefix },
          { label: 'Prompt', cell: (r) => r.prompt_tokens },
          { label: 'Cached', cell: (r) => r.cached_tokens },
          { label: 'Completion', cell: (r) => r.completion_tokens },
          { label: 'Cost', cell: (r) => r.cost },
          { label: 'Status', cell: (r) => r.status },
          { label: 'Request', cell: (r) => <code>{r.request_id}</code> },
        ]}
      />
      <Pager
        pages={pages}
        hasMore={usage.data?.has_more}
        lastRowId={usage.data?.data.at(-1)?.request_id}
        label="usage"
      />
    </Section>
  );
}
