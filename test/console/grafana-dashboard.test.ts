// The shipped Grafana dashboard queries only what the market exports: every metric name in every panel's query is
// a series /metrics declares, after real traffic.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';
import { postChat } from '../support/chat-request.ts';

type Dashboard = { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

/** PromQL words that are functions, keywords or label names, not series. */
const NOT_SERIES = new Set([
  'sum',
  'by',
  'rate',
  'histogram_quantile',
  'le',
  'route',
  'status_class',
  'model',
  'status',
  'phase',
  'host',
  'outcome',
  'state',
  'kind',
  'result',
  'reason',
  'first_token',
  'total',
  'failed',
  'closed',
]);
/** Histograms are declared once and exported as these series. */
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

function queriedMetrics(dashboard: Dashboard): Map<string, string> {
  const names = new Map<string, string>();
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets) {
      const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\[[^\]]*\]/g, '');
      for (const word of withoutStrings.match(/(?<![\w.])[a-z_][a-z0-9_]*/g) ?? [])
        if (!NOT_SERIES.has(word)) names.set(word, panel.title);
    }
  }
  return names;
}

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

describe('docs/grafana/agora.json', () => {
  it('queries only metrics that /metrics exports', async () => {
    const buyer = await fundedBuyer(market, '1');
    expect((await postChat(market.url, buyer.key)).status).toBe(200);
    await market.flushBilling();
    const exported = await (await fetch(`${market.url}/metrics`)).text();
    const declared = new Set([...exported.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));

    const dashboard = JSON.parse(await readFile('docs/grafana/agora.json', 'utf8')) as Dashboard;
    const queried = queriedMetrics(dashboard);
    expect(queried.size).toBeGreaterThan(10);
    for (const [name, panel] of queried) {
      const family = declared.has(name) ? name : name.replace(HISTOGRAM_SERIES, '');
      expect(declared.has(family), `panel "${panel}" queries ${name}, which /metrics does not export`).toBe(true);
    }
  });

  it('exports per-model completions and first-token latency, per-host attempts and state, and hosts online after a request', async () => {
    const exported = await (await fetch(`${market.url}/metrics`)).text();
    expect(exported).toMatch(/^agora_completions_total\{model="agora-tiny",status="ok"\} [1-9]/m);
    expect(exported).toMatch(/^agora_upstream_duration_seconds_count\{model="agora-tiny",phase="first_token"\} [1-9]/m);
    expect(exported).toMatch(/^agora_host_attempts_total\{host="host_[0-9a-f]+",outcome="ok"\} [1-9]/m);
    expect(exported).toMatch(/^agora_host_circuit_state\{host="host_[0-9a-f]+",state="closed"\} 1$/m);
    expect(exported).toMatch(/^agora_model_hosts_online\{model="agora-tiny"\} 1$/m);
    expect(exported).toMatch(/^agora_ledger_batch_duration_seconds_count [1-9]/m);
  });
});
