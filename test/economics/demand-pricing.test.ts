// Demand pricing on a market whose model is served by scripted engines (4 declared slots each): a load above the
// target band raises the price one bounded step per interval, idling brings it back down toward the floor, every
// point stays within [floor, ceiling]; a request is billed at the price locked when it was admitted, though the
// price moved while it ran. The test advances the market's time to the next repricing instead of waiting for it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_RULES } from '../../src/domain/economics/market-rules.ts';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { createManualTime } from '../support/manual-time.ts';
import { scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { admin, fundedBuyer } from '../support/test-market.ts';

const INTERVAL_MS = 600;
const rules = { ...DEFAULT_MARKET_RULES, pricing: { ...DEFAULT_MARKET_RULES.pricing, intervalMs: INTERVAL_MS } };
const time = createManualTime();
const scripted = scriptedMarket({ economics: rules, time });

type Point = { at: string; price: { prompt: string; completion: string }; utilization: number };
type Pricing = {
  model: string;
  price: { prompt: string; completion: string };
  floor: { prompt: string };
  ceiling: { prompt: string };
};
const nanos = (text: string) => parseNanos(text) as bigint;
const history = async (model: string) =>
  ((await (await fetch(`${scripted.market.url}/v1/pricing/history?model=${model}`)).json()) as { data: Point[] }).data;
const pricing = async (model: string) =>
  ((await (await fetch(`${scripted.market.url}/v1/pricing`)).json()) as { data: Pricing[] }).data.find(
    (p) => p.model === model,
  )!;
/** Advances the market's time, half an interval at a time, until the model has been repriced once more. */
async function nextRepricing(model: string): Promise<Point[]> {
  const seen = (await history(model)).length;
  for (let step = 0; step < 8; step++) {
    await time.advance(INTERVAL_MS / 2);
    const points = await history(model);
    if (points.length > seen) return points;
  }
  throw new Error(`${model} was not repriced`);
}

describe('demand pricing', () => {
  it('raises the price under load above the band and lowers it when idle, one bounded step per interval, within [floor, ceiling]', async () => {
    await scripted.serve('busy', [{ status: 200, body: scriptedAnswer, delayMs: 150 }]);
    const buyer = await fundedBuyer(scripted.market, '10');
    const before = nanos((await nextRepricing('busy')).at(-1)!.price.prompt);
    // Twelve requests at a time on four slots: utilization 1, far above the 40–60% band.
    const until = Date.now() + 5 * INTERVAL_MS;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        while (Date.now() < until)
          expect((await postChat(scripted.market.url, buyer.key, { model: 'busy' })).status).toBe(200);
      }),
    );
    // Idle intervals after the load bring the price back down.
    for (let i = 0; i < 4; i++) await nextRepricing('busy');
    const points = await history('busy');
    const bounds = await pricing('busy');
    const prompts = points.map((p) => nanos(p.price.prompt));
    const peak = prompts.reduce((a, b) => (b > a ? b : a));
    expect(peak).toBeGreaterThan(before);
    expect(prompts.at(-1)).toBeLessThan(peak);
    for (const [i, price] of prompts.entries()) {
      expect(price).toBeGreaterThanOrEqual(nanos(bounds.floor.prompt));
      expect(price).toBeLessThanOrEqual(nanos(bounds.ceiling.prompt));
      if (i === 0) continue;
      const previous = prompts[i - 1]!;
      // one step of at most 12.5% (plus the nano lost to quoting whole nano-units), in the direction of the load
      expect(price > previous ? price - previous : previous - price).toBeLessThanOrEqual(
        (previous * 1_250n) / 10_000n + 1n,
      );
      if (points[i]!.utilization > 0.6) expect(price).toBeGreaterThanOrEqual(previous);
      if (points[i]!.utilization < 0.4) expect(price).toBeLessThanOrEqual(previous);
    }
    expect(points.some((p) => p.utilization === 1)).toBe(true);
  });

  it('bills a request at the price locked at admission, though the price moved while it ran', async () => {
    const [host] = await scripted.serve('slow', [{ status: 200, body: scriptedAnswer, delayMs: 4 * INTERVAL_MS }]);
    const buyer = await fundedBuyer(scripted.market, '10');
    await nextRepricing('slow');
    const locked = (await pricing('slow')).price;
    // Admitted at this price; repriced while the host is still answering.
    const answer = postChat(scripted.market.url, buyer.key, { model: 'slow' });
    await expect.poll(() => host!.requests, { timeout: 10_000 }).toBe(1);
    await nextRepricing('slow');
    expect((await answer).status).toBe(200);
    expect((await pricing('slow')).price.prompt).not.toBe(locked.prompt);
    await scripted.market.flushBilling();
    const [record] = (
      (await (
        await fetch(`${scripted.market.url}/v1/usage`, { headers: { authorization: `Bearer ${buyer.key}` } })
      ).json()) as {
        data: Array<{ price: typeof locked; cost: string; prompt_tokens: number; completion_tokens: number }>;
      }
    ).data;
    expect(record!.price).toEqual(locked);
    expect(nanos(record!.cost)).toBe(
      BigInt(record!.prompt_tokens) * nanos(locked.prompt) +
        BigInt(record!.completion_tokens) * nanos(locked.completion),
    );
  });

  it("takes the operator's base and floor, and refuses a floor above the base", async () => {
    await scripted.serve('bounded', [{ status: 200, body: scriptedAnswer }]);
    const set = await admin<Pricing>(scripted.market, 'PUT', '/admin/models/bounded/pricing', {
      base: { prompt: '0.000000003', completion: '0.000000006' },
      floor: { prompt: '0.000000002', completion: '0.000000004' },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ floor: { prompt: '0.000000002' }, ceiling: { prompt: '0.00000003' } });
    const refused = await admin(scripted.market, 'PUT', '/admin/models/bounded/pricing', {
      base: { prompt: '1', completion: '1' },
      floor: { prompt: '2', completion: '1' },
    });
    expect(refused).toMatchObject({ status: 400, body: { error: { param: 'floor' } } });
    expect((await fetch(`${scripted.market.url}/v1/pricing/history?model=nope`)).status).toBe(404);
  });
});
