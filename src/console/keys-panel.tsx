// The buyer's keys: agent sub-keys created with limits (shown once), and revocation.
import { useState } from 'preact/hooks';
import { post } from './api.ts';
import { ErrorNote, Section, Table } from './components.tsx';
import { useAction, useData } from './use-data.ts';

type Key = { id: string; name: string; prefix: string; parent_key_id: string | null; spend_limit_total: string | null; rate_limit_rpm: number | null; spent_total: string; revoked: boolean };

export function KeysPanel() {
  const keys = useData<{ data: Key[] }>('/v1/keys');
  const [name, setName] = useState('agent');
  const [spendLimit, setSpendLimit] = useState('1');
  const [rpm, setRpm] = useState('');
  const [created, setCreated] = useState<string | undefined>(undefined);
  const { error, run: act } = useAction(keys.reload);
  const create = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const issued = await post<{ key: string }>('/v1/keys', { name, spend_limit_total: spendLimit || null, rate_limit_rpm: rpm ? Number(rpm) : null });
      setCreated(issued.key);
    });
  };
  return (
    <Section title="Keys and agent sub-keys">
      <form class="inline" onSubmit={create}>
        <input aria-label="sub-key name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <input aria-label="spend limit" placeholder="spend limit (credits)" value={spendLimit} onInput={(e) => setSpendLimit(e.currentTarget.value)} />
        <input aria-label="requests per minute" placeholder="requests/min" value={rpm} onInput={(e) => setRpm(e.currentTarget.value)} />
        <button type="submit">Create sub-key</button>
      </form>
      {created && (
        <p class="notice">
          New key (shown once): <code data-testid="new-key">{created}</code>
        </p>
      )}
      <ErrorNote error={error ?? keys.error} />
      <Table
        testId="keys-table"
        rows={keys.data?.data}
        empty="No keys."
        columns={[
          { label: 'Name', cell: (k) => k.name },
          { label: 'Prefix', cell: (k) => <code>{k.prefix}</code> },
          { label: 'Kind', cell: (k) => (k.parent_key_id ? 'sub-key' : 'account key') },
          { label: 'Spend limit', cell: (k) => k.spend_limit_total ?? 'none' },
          { label: 'Requests/min', cell: (k) => k.rate_limit_rpm ?? 'default' },
          { label: 'Spent', cell: (k) => k.spent_total },
          {
            label: 'State',
            cell: (k) =>
              k.revoked ? (
                'revoked'
              ) : k.parent_key_id ? (
                <button type="button" onClick={() => void act(() => post(`/v1/keys/${k.id}/revoke`))}>
                  Revoke
                </button>
              ) : (
                'active'
              ),
          },
        ]}
      />
    </Section>
  );
}
