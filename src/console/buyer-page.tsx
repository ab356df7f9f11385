// The buyer's page: balance and holds, spend over time by model or key, usage with filters and CSV export, keys and
// agent sub-keys, and a playground that streams a chat completion.
import { useState } from 'preact/hooks';
import { ErrorNote, Figures, Section } from './components.tsx';
import { KeysPanel } from './keys-panel.tsx';
import { LineChart, seriesByGroup } from './line-chart.tsx';
import { Playground } from './playground.tsx';
import { UsagePanel } from './usage-panel.tsx';
import { market } from './api.ts';
import { useData } from './use-data.ts';

const SPAN_HOURS = 6;

function SpendChart() {
  const [by, setBy] = useState<'model' | 'key'>('model');
  const from = Math.floor(Date.now() / 1000 / 60) * 60 - SPAN_HOURS * 3600;
  const spend = useData(`usage-series ${from}`, () =>
    market.v1.getUsageSeries({ query: { bucket: 'minute', from: String(from) } }),
  );
  const chart = seriesByGroup(
    spend.data?.data ?? [],
    (p) => Date.parse(p.start) / 1000,
    (p) => (by === 'model' ? p.model : (p.key_prefix ?? '')),
    (p) => Number(p.cost),
  );
  return (
    <Section
      title={`Spend per minute, last ${SPAN_HOURS} hours`}
      actions={
        <select
          aria-label="group spend by"
          value={by}
          onChange={(e) => setBy(e.currentTarget.value as 'model' | 'key')}
        >
          <option value="model">by model</option>
          <option value="key">by key</option>
        </select>
      }
    >
      <ErrorNote error={spend.error} />
      <LineChart title="credits spent" times={chart.times} series={chart.series} testId="spend-chart" />
    </Section>
  );
}

export function BuyerPage() {
  const credits = useData('credits', () => market.v1.getCredits());
  return (
    <>
      <Section title="Balance">
        <ErrorNote error={credits.error} />
        <Figures
          items={[
            ['Balance', credits.data?.balance ?? '…', 'balance'],
            ['Available', credits.data?.available ?? '…', 'available'],
            ['Held (your requests in flight)', credits.data?.held ?? '…', 'held'],
          ]}
        />
      </Section>
      <Playground onFinished={credits.reload} />
      <SpendChart />
      <UsagePanel />
      <KeysPanel />
    </>
  );
}
