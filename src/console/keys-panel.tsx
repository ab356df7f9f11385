// The buyer's keys: agent sub-keys created with limits (shown once), and revocation. Each key shows its total and
// daily spend limits and what is left of each (its own limits and its parent keys', shared with its sub-keys).
import { useState } from 'preact/hooks';
import { market } from './api.ts';
import { ErrorNote, Section, Table } from './components.tsx';
import { useAction, useData } from './use-data.ts';

/** A limit and what is left of it, e.g. "0.5 (0.42 left)"; "none" without a limit of its own or above it. */
const limitCell = (limit: string | null, left: string | null | undefined): string =>
  left === null || left === undefined ? (limit ?? 'none') : `${limit ?? 'inherited'} (${left} left)`;

export function KeysPanel() {
  const keys = useData('keys', () => market.v1.listKeys());
  const [name, setName] = useState('agent');
  const [spendLimit, setSpendLimit] = useState('1');
  const [dailyLimit, setDailyLimit] = useState('');
  const [rpm, setRpm] = useState('');
  const [created, setCreated] = useState<string | undefined>(undefined);
  const { error, run: act } = useAction(keys.reload);
  const create = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const issued = await market.v1.createKey({
        body: {
          name,
          spend_limit_total: spendLimit || null,
          spend_limit_daily: dailyLimit || null,
          rate_limit_rpm: rpm ? Number(rpm) : null,
        },
      });
      setCreated(issued.key);
    });
  };
  return (
    <Section title="Keys and agent sub-keys">
      <form class="inline" onSubmit={create}>
        <input aria-label="sub-key name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <input
          aria-label="spend limit"
          placeholder="spend limit (credits)"
          value={spendLimit}
          onInput={(e) => setSpendLimit(e.currentTarget.value)}
        />
        <input
          aria-label="limit per day"
          placeholder="per-day limit (credits)"
          value={dailyLimit}
          onInput={(e) => setDailyLimit(e.currentTarget.value)}
        />
        <input
          aria-label="requests per minute"
          placeholder="requests/min"
          value={rpm}
          onInput={(e) => setRpm(e.currentTarget.value)}
        />
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
          { label: 'Total limit', cell: (k) => limitCell(k.spend_limit_total, k.remaining_total) },
          { label: 'Daily limit', cell: (k) => limitCell(k.spend_limit_daily, k.remaining_daily) },
          { label: 'Requests/min', cell: (k) => k.rate_limit_rpm ?? 'default' },
          { label: 'Spent (today)', cell: (k) => `${k.spent_total} (${k.spent_today})` },
          { label: 'Creates keys', cell: (k) => (k.can_create_keys ? 'yes' : 'no') },
          {
            label: 'State',
            cell: (k) =>
              k.revoked ? (
                'revoked'
              ) : k.parent_key_id ? (
                <button type="button" onClick={() => void act(() => market.v1.revokeKey({ params: { id: k.id } }))}>
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
