// Limits hold under concurrency: 100 parallel requests against a sub-key whose spend limit covers 10 of them never
// spend more than the limit, and every refused request gets a clear 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket();
});
afterAll(() => market.stop());

/** What an answer cost at the test market's prices: 100 nanos a prompt token, 25 a cached one (the default 0.25×
 * cache-read factor: the same key sends the same prompt, so later requests read the cached prefix), 200 a completion
 * token. */
function billedOf(
  usage:
    { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens: number } } | undefined,
): bigint {
  const cached = BigInt(usage?.prompt_tokens_details?.cached_tokens ?? 0);
  return (
    (BigInt(usage?.prompt_tokens ?? 0) - cached) * 100n + cached * 25n + BigInt(usage?.completion_tokens ?? 0) * 200n
  );
}

describe('agent sub-key spend limit under concurrency', () => {
  it('100 parallel requests never overspend a limit that covers 10', async () => {
    const parent = await fundedBuyer(market, '5');
    const body = { model: 'agora-tiny', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1, temperature: 0 };
    // The hold for this request: the prompt (rendered and counted by the market) plus one completion token.
    const probe = await fetch(`${market.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${parent.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const { usage } = (await probe.json()) as { usage: { prompt_tokens: number } };
    const hold = BigInt(usage.prompt_tokens) * 100n + 200n;
    const limit = hold * 10n;
    const created = await fetch(`${market.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${parent.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'agent', spend_limit_total: `0.${limit.toString().padStart(9, '0')}` }),
    });
    const agent = (await created.json()) as { id: string; key: string };

    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetch(`${market.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${agent.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as {
            error?: { code: string };
            usage?: {
              prompt_tokens: number;
              completion_tokens: number;
              prompt_tokens_details?: { cached_tokens: number };
            };
          },
        })),
      ),
    );
    const ok = responses.filter((r) => r.status === 200);
    // On a busy machine the host's queue can turn a few away (503 overloaded, their holds returned): those are not
    // the limit's refusals, and each one can leave a served request short of the ten the limit covers.
    const overloaded = responses.filter((r) => r.status === 503 && r.body.error?.code === 'overloaded');
    const refused = responses.filter((r) => r.status !== 200 && !overloaded.includes(r));
    expect(ok.length).toBeGreaterThanOrEqual(10 - overloaded.length);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused)
      expect(r).toMatchObject({ status: 403, body: { error: { code: 'spend_limit_exceeded' } } });
    await market.flushBilling();
    const keys = (await (
      await fetch(`${market.url}/v1/keys`, { headers: { authorization: `Bearer ${parent.key}` } })
    ).json()) as { data: Array<{ id: string; spent_total: string }> };
    const spent = parseNanos(keys.data.find((k) => k.id === agent.id)?.spent_total ?? 'x') as bigint;
    const billed = ok.reduce((sum, r) => sum + billedOf(r.body.usage), 0n);
    expect(spent).toBe(billed);
    expect(spent).toBeLessThanOrEqual(limit);
  });
});
