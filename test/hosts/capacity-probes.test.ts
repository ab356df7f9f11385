// Capacity probes on a market with a built-in host and a scripted one: every host gets measured (time to first
// token, prefill and decode tokens/s, shown to the operator), the market's own probe account pays for it and no
// buyer does, and to a host a probe looks like a buyer's streamed request: the same headers, the same fields. The test
// advances the market's time to the next probes instead of waiting for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import { modelServedBy } from '../support/scripted-model.ts';
import type { ScriptedUpstream } from '../support/scripted-upstream.ts';
import { createManualTime } from '../support/manual-time.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

const PROBE_ACCOUNT = 'market-probes';
type HostView = {
  id: string;
  capacity: Array<{
    model: string;
    ttft_ms: number;
    prefill_tokens_per_second: number;
    decode_tokens_per_second: number | null;
  }>;
};

const PROBE_INTERVAL_MS = 150;
const time = createManualTime();
let market: TestMarket;
let scripted: ScriptedUpstream;
beforeAll(async () => {
  market = await startTestMarket({
    builtinHosts: 1,
    capacityProbes: { intervalMs: PROBE_INTERVAL_MS, budgetPerDay: 1_000_000_000n },
    time,
  });
  scripted = (
    await modelServedBy(market, 'scripted-model', [{ stream: { chunks: 4, text: 'The market.', intervalMs: 5 } }])
  )[0]!;
}, 60_000);
afterAll(async () => {
  await market.stop();
  await scripted.stop();
});

/** Advances the market's time one probe interval at a time (a few seconds in all) until `read` sees a result. */
async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let tries = 0; tries < 20; tries++) {
    const value = await read();
    if (value !== undefined) return value;
    await time.advance(PROBE_INTERVAL_MS);
  }
  throw new Error(`no ${what} after 20 probe intervals`);
}

describe('capacity probes', () => {
  it("measures the built-in host's speed, shows it to the operator, and bills the market's own account only", async () => {
    const demoBefore = await market.store.balances('demo');
    const builtin = market.hosts[0]!.hostId;
    const measured = await until(async () => {
      const hosts = (await admin<{ data: HostView[] }>(market, 'GET', '/admin/hosts')).body.data;
      return hosts.find((h) => h.id === builtin && h.capacity.length > 0);
    }, 'a capacity probe of the built-in host');
    const [capacity] = measured.capacity;
    expect(capacity!.model).toBe('agora-tiny');
    expect(capacity!.ttft_ms).toBeGreaterThan(0);
    expect(capacity!.prefill_tokens_per_second).toBeGreaterThan(0);
    expect(capacity!.decode_tokens_per_second === null || capacity!.decode_tokens_per_second > 0).toBe(true);

    await market.flushBilling();
    const probes = await market.store.listUsage({ accountId: PROBE_ACCOUNT }, 100);
    expect(probes.some((r) => r.hostId === builtin && r.status === 'ok' && r.cost > 0n)).toBe(true);
    expect(await market.store.listUsage({ accountId: 'demo' }, 10)).toEqual([]);
    expect(await market.store.balances('demo')).toEqual(demoBefore);
    expect((await market.store.ledgerTotals()).sum).toBe(0n);
  });

  it("looks to a host like a buyer's streamed request", async () => {
    const buyer = await fundedBuyer(market, '1');
    const answer = await postChat(market.url, buyer.key, { model: 'scripted-model', stream: true, max_tokens: 32 });
    await answer.text();
    await until(async () => (scripted.received.length >= 2 ? true : undefined), 'a probe of the scripted host');
    const shape = (request: ScriptedUpstream['received'][number]) => ({
      headers: Object.keys(request.headers).sort(),
      fields: Object.keys(request.body).sort(),
    });
    const shapes = scripted.received.map(shape);
    expect(new Set(shapes.map((s) => JSON.stringify(s))).size).toBe(1);
    for (const request of scripted.received) expect(request.headers['x-agora-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });
});
