// The demo market that stopped serving after one idle minute: its built-in host asks the base price, idling lowered
// the demand price below that ask, and every request was refused for price. Here the same market idles through
// many repricings (short intervals, which the test advances through) and still serves; /v1/pricing shows the host's ask beside the price; a host
// asking above the operator's ceiling is shown as priced out and named in the refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_RULES } from '../../src/domain/economics/market-rules.ts';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { createManualTime } from '../support/manual-time.ts';
import { admin, fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

const INTERVAL_MS = 200;
type Prices = { prompt: string; completion: string };
type Pricing = {
  model: string;
  price: Prices;
  base: Prices;
  floor: Prices;
  asks: Array<{ host: string; ask: Prices | null; online: boolean; priced_out: boolean }>;
};

const time = createManualTime();
let market: TestMarket;
const nanos = (text: string) => parseNanos(text) as bigint;
const pricing = async () =>
  ((await (await fetch(`${market.url}/v1/pricing`)).json()) as { data: Pricing[] }).data.find(
    (p) => p.model === 'agora-tiny',
  )!;
const historyLength = async () =>
  ((await (await fetch(`${market.url}/v1/pricing/history?model=agora-tiny&limit=500`)).json()) as { data: unknown[] })
    .data.length;

/** Advances the market's time until the controller has repriced `count` more times. */
async function repricings(count: number): Promise<void> {
  const target = (await historyLength()) + count;
  for (let step = 0; step < 4 * count && (await historyLength()) < target; step++) await time.advance(INTERVAL_MS);
  expect(await historyLength()).toBeGreaterThanOrEqual(target);
}

beforeAll(async () => {
  market = await startTestMarket({
    economics: { ...DEFAULT_MARKET_RULES, pricing: { ...DEFAULT_MARKET_RULES.pricing, intervalMs: INTERVAL_MS } },
    time,
  });
});
afterAll(() => market.stop());

describe('price liveness on a live market', () => {
  it('keeps serving after idling through many repricings: the price never falls below the online host’s ask', async () => {
    const buyer = await fundedBuyer(market, '1');
    expect((await postChat(market.url, buyer.key, { max_tokens: 4 })).status).toBe(200);
    // Eight idle intervals at most −12.5% each would take the base price below the floor's half without the rule.
    await repricings(8);
    const idle = await pricing();
    const [host] = idle.asks;
    expect(host).toMatchObject({ online: true, priced_out: false });
    expect(nanos(idle.price.prompt)).toBeGreaterThanOrEqual(nanos(host!.ask!.prompt));
    expect(nanos(idle.price.completion)).toBeGreaterThanOrEqual(nanos(host!.ask!.completion));
    expect(nanos(idle.floor.prompt)).toBeLessThan(nanos(host!.ask!.prompt));
    const again = await postChat(market.url, buyer.key, { max_tokens: 4 });
    expect(again.status).toBe(200);
  });

  it('shows a host asking above the ceiling as priced out and says so when it is the only one', async () => {
    const buyer = await fundedBuyer(market, '1');
    const { base } = await pricing();
    // A base a hundredth of today's: the ceiling (10× base) falls below the host's ask (today's base).
    const tiny = (text: string) => `0.${(nanos(text) / 100n).toString().padStart(9, '0')}`;
    const lowered = { prompt: tiny(base.prompt), completion: tiny(base.completion) };
    expect(
      (await admin(market, 'PUT', '/admin/models/agora-tiny/pricing', { base: lowered, floor: lowered })).status,
    ).toBe(200);
    try {
      expect((await pricing()).asks[0]).toMatchObject({ online: true, priced_out: true });
      const refused = await postChat(market.url, buyer.key, { max_tokens: 4 });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /asks more than its price ceiling/,
      );
    } finally {
      expect((await admin(market, 'PUT', '/admin/models/agora-tiny/pricing', { base, floor: base })).status).toBe(200);
    }
    expect((await postChat(market.url, buyer.key, { max_tokens: 4 })).status).toBe(200);
  });
});
