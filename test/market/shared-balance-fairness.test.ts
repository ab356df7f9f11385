// One account balance shared by several keys: no key's budget lease takes the balance from the others. A lease is
// the request's need plus a bounded chunk, and a request refused for lack of funds first takes back the idle leases
// of the account's other keys; a buyer sees only requests in flight (its own subtree's) as held, never the gateway's
// leases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { modelServedBy, scriptedAnswer } from '../support/scripted-model.ts';
import { callWithKey, createSubKey } from '../support/key-tree.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

type Credits = { balance: string; available: string; held: string };

describe('a balance shared by several keys', () => {
  it("serves 75 concurrent requests of three sub-keys after the main key's request, when the account can pay", async () => {
    // 0.001 pays for about 400 of these requests; the lease chunk (1) is far larger than the whole balance.
    const main = await fundedBuyer(market, '0.001');
    expect((await postChat(market.url, main.key, { max_tokens: 4 })).status).toBe(200);
    const agents = await Promise.all([1, 2, 3].map((n) => createSubKey(market.url, main.key, { name: `agent-${n}` })));
    const statuses = await Promise.all(
      agents.flatMap((a) =>
        Array.from({ length: 25 }, () => postChat(market.url, a.key, { max_tokens: 4 }).then((r) => r.status)),
      ),
    );
    // None refused for money (402) or limits (403). On a loaded machine the one built-in host may fail a request
    // (502/503/504): a host's failure, not the budget's, so it is tolerated, but no more than a few.
    expect(statuses.filter((s) => s !== 200 && s < 502)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(70);
  });

  it("takes back other keys' idle leases before refusing a request for lack of funds", async () => {
    const main = await fundedBuyer(market, '0.0002');
    const keys = await Promise.all([1, 2, 3, 4].map((n) => createSubKey(market.url, main.key, { name: `k${n}` })));
    // Each key leases its request plus a quarter of what is spare: four small requests leave most money leased.
    for (const k of keys) expect((await postChat(market.url, k.key, { max_tokens: 1 })).status).toBe(200);
    const before = (await callWithKey<Credits>(market.url, main.key, 'GET', '/v1/credits')).body;
    expect(before.held).toBe('0');
    // About half the balance, more than the credits no lease holds.
    const big = await postChat(market.url, main.key, { max_tokens: 500 });
    expect(big.status).toBe(200);
  });

  it("shows a request in flight as held to its own subtree, and the gateway's leases not at all", async () => {
    const [slow] = await modelServedBy(market, 'slow-model', [{ status: 200, body: scriptedAnswer, delayMs: 3_000 }]);
    const main = await fundedBuyer(market, '1');
    const agent = await createSubKey(market.url, main.key, { name: 'agent' });
    const sibling = await createSubKey(market.url, main.key, { name: 'sibling' });
    const credits = async (key: string) => (await callWithKey<Credits>(market.url, key, 'GET', '/v1/credits')).body;
    const answer = postChat(market.url, agent.key, { model: 'slow-model', max_tokens: 10 }).then(
      async (r) => (await r.json()) as { usage: { prompt_tokens: number } },
    );
    await expect.poll(async () => (await credits(main.key)).held, { timeout: 2_800, interval: 20 }).not.toBe('0');
    const during = {
      main: await credits(main.key),
      agent: await credits(agent.key),
      sibling: await credits(sibling.key),
    };
    const { usage } = await answer;
    const hold = formatNanos(BigInt(usage.prompt_tokens) * 100n + 10n * 200n);
    expect([during.main.held, during.agent.held, during.sibling.held]).toEqual([hold, hold, '0']);
    expect(slow?.requests).toBe(1);
    // Done: nothing held, although the gateway still keeps the account's lease.
    const after = await credits(main.key);
    expect(after.held).toBe('0');
    expect(after.available).toBe(after.balance);
    expect(Number(after.balance)).toBeGreaterThan(0.99);
  });
});
