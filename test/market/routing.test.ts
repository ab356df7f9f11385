// Routing among hosts, against scripted engines registered as a model's hosts: a hedge goes to a second host when
// the first is slower than the model's p95, the loser is cancelled and never billed; no host takes more than
// max(25%, 2/N) of a model's traffic even when every request prefers it; a conversation stays on its host; buyer
// preferences narrow the hosts, and every usage record says which host served, after how many attempts.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { fundedBuyer, type TestMarket } from '../support/test-market.ts';

// The model 'hedged' hedges by default (an operator's per-model setting); a request can also ask for it.
const scripted = scriptedMarket({ hedgedModels: ['hedged'] });
let market: TestMarket;
beforeAll(() => {
  market = scripted.market;
});

type UsageRecord = {
  request_id: string;
  host: string;
  status: string;
  cost: string;
  routing: { attempts: number; hedged: boolean };
};
const usage = async (key: string) => {
  await market.flushBilling();
  return (
    (await (
      await fetch(`${market.url}/v1/usage?limit=500`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { data: UsageRecord[] }
  ).data;
};
const balance = async (key: string) => {
  await market.flushBilling();
  return parseNanos(
    (
      (await (await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
        balance: string;
      }
    ).balance,
  )!;
};

describe('routing', () => {
  it('hedges a slow first host with a second copy, serves the first answer and bills only it', async () => {
    const [slow, fast1, fast2] = await scripted.serve('hedged', [
      { status: 200, body: scriptedAnswer, delayMs: 3_000 },
      { status: 200, body: scriptedAnswer, delayMs: 20 },
      { status: 200, body: scriptedAnswer, delayMs: 20 },
    ]);
    const buyer = await fundedBuyer(market, '1');
    // Twenty answers from one fast host teach the market the model's p95 and earn one hedge (5% each); none of them
    // can hedge, as the p95 needs those twenty first. Which host goes first below depends on measured latencies
    // only where one host is measured and the other is not, so no scheduling hiccup can reorder them.
    for (let i = 0; i < 20; i++) {
      const res = await postChat(market.url, buyer.key, {
        model: 'hedged',
        messages: [{ role: 'user', content: `warm-up ${i}` }],
        provider: { only: ['hedged-2'], hedge: true },
      });
      expect(res.status).toBe(200);
    }
    const before = await balance(buyer.key);
    // The slow host has no latency yet, so it is tried first; the hedge (the model's default) reaches the fast one.
    const hedged = await postChat(market.url, buyer.key, {
      model: 'hedged',
      messages: [{ role: 'user', content: 'hedge me' }],
      provider: { only: ['hedged-0', 'hedged-2'] },
    });
    expect(hedged.status).toBe(200);
    const body = (await hedged.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(slow!.requests).toBe(1);
    await expect.poll(() => slow!.abandoned, { timeout: 10_000 }).toBe(1);

    const records = await usage(buyer.key);
    const record = records.find((r) => r.request_id === hedged.headers.get('x-request-id'));
    expect(record).toMatchObject({ host: 'hedged-2', status: 'ok', routing: { attempts: 2, hedged: true } });
    expect(records).toHaveLength(21);
    expect(before - (await balance(buyer.key))).toBe(parseNanos(record!.cost));
    expect(parseNanos(record!.cost)).toBe(
      BigInt(body.usage.prompt_tokens) * 100n + BigInt(body.usage.completion_tokens) * 200n,
    );
    expect(fast1!.requests + fast2!.requests).toBe(21);
    // The loser is now known to be slow (at least the hedge delay): a host not yet measured goes before it.
    const next = await postChat(market.url, buyer.key, {
      model: 'hedged',
      provider: { only: ['hedged-0', 'hedged-1'] },
    });
    expect(next.status).toBe(200);
    expect(slow!.requests).toBe(1);
  });

  it('keeps one conversation on its host, but no host above max(25%, 2/N) of the traffic', async () => {
    // Slow at first, so a scheduling stall on a busy machine (up to half the delay) stays inside affinity's 1.5×
    // tolerance; the hosts speed up for the many requests that check the cap (an upper bound, whatever the timing).
    const scripts = Array.from({ length: 4 }, () => ({ status: 200, body: scriptedAnswer, delayMs: 400 }));
    const hosts = await scripted.serve('capped', scripts);
    const buyer = await fundedBuyer(market, '1');
    // Every host answers once or more first (new hosts are tried before measured ones).
    for (let i = 0; i < 12; i++)
      expect(
        (
          await postChat(market.url, buyer.key, {
            model: 'capped',
            messages: [{ role: 'user', content: `other ${i}` }],
          })
        ).status,
      ).toBe(200);
    expect(hosts.every((h) => h.requests > 0)).toBe(true);
    const served = hosts.map((h) => h.requests);
    const conversation = {
      model: 'capped',
      messages: [
        { role: 'system', content: 'You are a market.' },
        { role: 'user', content: 'Same prefix every turn' },
      ],
    };
    for (let i = 0; i < 6; i++) expect((await postChat(market.url, buyer.key, conversation)).status).toBe(200);
    // Below the cap's sample size (20 requests), affinity keeps the whole conversation on one host.
    expect(hosts.filter((h, i) => h.requests > served[i]!)).toHaveLength(1);
    for (const script of scripts) script.delayMs = 5;
    for (let i = 0; i < 114; i++) expect((await postChat(market.url, buyer.key, conversation)).status).toBe(200);
    // Four hosts: the cap is max(25%, 2/4) = 50% of the model's recent requests (all 132 here), though every one of
    // these requests prefers the conversation's host.
    const total = hosts.reduce((sum, h) => sum + h.requests, 0);
    expect(Math.max(...hosts.map((h) => h.requests))).toBeLessThanOrEqual(0.5 * total + 1);
  });

  it('applies provider preferences and pins SKUs, with clear errors when nothing matches', async () => {
    const hosts = await scripted.serve(
      'picky',
      Array.from({ length: 3 }, () => ({ status: 200, body: scriptedAnswer })),
    );
    const buyer = await fundedBuyer(market, '1');
    for (let i = 0; i < 6; i++)
      expect(
        (await postChat(market.url, buyer.key, { model: 'picky', provider: { ignore: ['picky-0', 'picky-1'] } }))
          .status,
      ).toBe(200);
    expect(hosts.map((h) => h.requests)).toEqual([0, 0, 6]);
    expect((await postChat(market.url, buyer.key, { model: 'picky', provider: { only: ['picky-0'] } })).status).toBe(
      200,
    );
    expect(hosts[0]!.requests).toBe(1);
    expect((await postChat(market.url, buyer.key, { model: 'picky@unknown' })).status).toBe(200);

    const refusals = [
      [{ model: 'picky', provider: { only: ['nobody'] } }, 404, 'no_host_matches_preferences'],
      [{ model: 'picky', provider: { max_price: { prompt: '0.00000001' } } }, 404, 'no_host_matches_preferences'],
      [{ model: 'picky', provider: { quantizations: ['q4_0'] } }, 404, 'no_host_matches_preferences'],
      [{ model: 'picky@q4_0' }, 404, 'sku_not_found'],
      [{ model: 'picky', provider: { min_reputation: 50 } }, 400, 'unknown_parameter'],
    ] as const;
    for (const [body, status, code] of refusals) {
      const res = await postChat(market.url, buyer.key, body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(hosts.reduce((sum, h) => sum + h.requests, 0)).toBe(8);
  });

  it("keeps a key's standing preferences (here an agent's sub-key) for its requests, which a request's own override field by field", async () => {
    const hosts = await scripted.serve(
      'standing',
      Array.from({ length: 2 }, () => ({ status: 200, body: scriptedAnswer })),
    );
    const buyer = await fundedBuyer(market, '1');
    const created = await fetch(`${market.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'agent', provider: { ignore: ['standing-0'], max_price: { completion: '0.5' } } }),
    });
    expect(created.status).toBe(201);
    const agent = (await created.json()) as { key: string; provider: unknown };
    expect(agent.provider).toEqual({ ignore: ['standing-0'], max_price: { completion: '0.5' } });
    for (let i = 0; i < 4; i++) expect((await postChat(market.url, agent.key, { model: 'standing' })).status).toBe(200);
    expect(hosts.map((h) => h.requests)).toEqual([0, 4]);
    expect(
      (await postChat(market.url, agent.key, { model: 'standing', provider: { only: ['standing-0'] } })).status,
    ).toBe(404);
    expect(
      (await postChat(market.url, agent.key, { model: 'standing', provider: { only: ['standing-0'], ignore: [] } }))
        .status,
    ).toBe(200);
    expect(hosts[0]!.requests).toBe(1);
  });
});
