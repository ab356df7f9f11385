// Overload is answered honestly, against scripted engines: hosts that are busy make the buyer's answer a 503 with
// Retry-After (the host's own when it gave one), never a 502; beyond the hosts' slots and a bounded queue the
// gateway sheds requests at once with 503 `overloaded`; nothing is charged for either, and the slots all come back.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { fundedBuyer, type TestMarket } from '../support/test-market.ts';

const scripted = scriptedMarket();
let market: TestMarket;
beforeAll(() => {
  market = scripted.market;
});

const engineBusy = {
  error: { message: 'The engine is at capacity; retry shortly.', type: 'service_unavailable', code: 'engine_busy' },
};
type ErrorBody = { error: { code: string; message: string } };
type UsageRecord = { status: string; cost: string };

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
const metric = async (series: string) => {
  const exported = await (await fetch(`${market.url}/metrics`)).text();
  const line = exported.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('overload', () => {
  it("answers 503 hosts_busy with the soonest of the hosts' Retry-After, not 502, when every host is busy, and charges nothing", async () => {
    await scripted.serve('busy', [
      { status: 503, body: engineBusy, headers: { 'retry-after': '7' } },
      { status: 503, body: engineBusy, headers: { 'retry-after': '3' } },
    ]);
    const buyer = await fundedBuyer(market, '1');
    const before = await balance(buyer.key);
    const res = await postChat(market.url, buyer.key, { model: 'busy' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(((await res.json()) as ErrorBody).error.code).toBe('hosts_busy');
    expect(await balance(buyer.key)).toBe(before);
    expect((await usage(buyer.key)).map((r) => [r.status, r.cost])).toEqual([['no_host_succeeded', '0']]);
  });

  it('answers 503 when one host is busy though another is broken: retrying can work', async () => {
    await scripted.serve('half-busy', [
      { status: 401, body: { error: { message: 'who are you?' } } },
      { status: 503, body: engineBusy, headers: { 'retry-after': '5' } },
    ]);
    const buyer = await fundedBuyer(market, '1');
    const res = await postChat(market.url, buyer.key, { model: 'half-busy' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('sheds requests beyond the slots and the queue with 503 overloaded and Retry-After, bills exactly what it served, and gives every slot back', async () => {
    // Two hosts declaring 4 each: 8 run, 32 wait (4 per slot) and the rest are shed.
    const hosts = await scripted.serve(
      'slow',
      [
        { status: 200, body: scriptedAnswer, delayMs: 1_000 },
        { status: 200, body: scriptedAnswer, delayMs: 1_000 },
      ],
      4,
    );
    const buyer = await fundedBuyer(market, '1');
    const before = await balance(buyer.key);
    const answers = await Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        const res = await postChat(market.url, buyer.key, {
          model: 'slow',
          messages: [{ role: 'user', content: `request ${i}` }],
        });
        return {
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          body: (await res.json()) as ErrorBody & { usage: { prompt_tokens: number; completion_tokens: number } },
        };
      }),
    );
    const served = answers.filter((a) => a.status === 200);
    const shed = answers.filter((a) => a.status !== 200);
    expect(served.length).toBeGreaterThan(0);
    expect(shed.length).toBeGreaterThan(0);
    for (const answer of shed) {
      expect(answer).toMatchObject({ status: 503, body: { error: { code: 'overloaded' } } });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(Math.max(...hosts.map((h) => h.maxInFlight))).toBeLessThanOrEqual(4);
    expect(await metric('agora_admission_shed_total{model="slow",reason="queue_full"}')).toBe(shed.length);
    expect(await metric('agora_admission_in_flight{model="slow"}')).toBe(0);
    expect(await metric('agora_admission_queue_depth{model="slow"}')).toBe(0);

    const billed = served.reduce(
      (sum, a) => sum + BigInt(a.body.usage.prompt_tokens) * 100n + BigInt(a.body.usage.completion_tokens) * 200n,
      0n,
    );
    expect(before - (await balance(buyer.key))).toBe(billed);
    const records = await usage(buyer.key);
    expect(records).toHaveLength(served.length);
    expect(records.every((r) => r.status === 'ok')).toBe(true);
  });

  it("holds a streaming request's slot until its stream ends, and gives it back then", async () => {
    const [host] = await scripted.serve(
      'slow-stream',
      [{ stream: { chunks: 5, text: ' market', intervalMs: 100 } }],
      2,
    );
    const buyer = await fundedBuyer(market, '1');
    const answers = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const res = await postChat(market.url, buyer.key, { model: 'slow-stream', stream: true });
        return { status: res.status, text: await res.text() };
      }),
    );
    for (const answer of answers) {
      if (answer.status === 200) expect(answer.text).toContain('data: [DONE]');
      else expect(answer.status).toBe(503);
    }
    expect(host!.maxInFlight).toBeLessThanOrEqual(2);
    expect(await metric('agora_admission_in_flight{model="slow-stream"}')).toBe(0);
    expect(await metric('agora_admission_queue_depth{model="slow-stream"}')).toBe(0);
  });

  it('neither queues nor sheds for engines that declare no concurrency: their own busy answers speak for them', async () => {
    const [host] = await scripted.serve('undeclared', [{ status: 200, body: scriptedAnswer, delayMs: 300 }]);
    const buyer = await fundedBuyer(market, '1');
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () => postChat(market.url, buyer.key, { model: 'undeclared' }).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(30).fill(200));
    expect(host!.maxInFlight).toBeGreaterThan(8);
    expect(await metric('agora_admission_queue_depth{model="undeclared"}')).toBe(0);
  });
});
