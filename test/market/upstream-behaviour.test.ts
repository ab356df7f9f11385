// How the gateway treats its upstreams, against scripted OpenAI-compatible engines: a buyer who hangs up
// mid-stream cancels the upstream request and pays only for what was delivered; a host's refusal reaches the buyer
// only when it blames the request, otherwise the next host is tried and a failure of all costs nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import type { Script } from '../support/scripted-upstream.ts';
import { scriptedAnswer, scriptedMarket } from '../support/scripted-model.ts';
import { postChat } from '../support/chat-request.ts';
import { fundedBuyer, type TestMarket } from '../support/test-market.ts';

const scripted = scriptedMarket();
let market: TestMarket;
beforeAll(() => {
  market = scripted.market;
});

const modelServedBy = (modelId: string, scripts: Script[]) => scripted.serve(modelId, scripts);

const chat = (key: string, model: string, extra: object = {}, signal?: AbortSignal) =>
  postChat(market.url, key, { model, max_tokens: 400, ...extra }, signal);

type UsageRecord = { status: string; prompt_tokens: number; completion_tokens: number; cost: string };
const usage = async (key: string) =>
  (
    (await (await fetch(`${market.url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      data: UsageRecord[];
    }
  ).data;

describe('upstream behaviour', () => {
  it('cancels the upstream when the buyer hangs up mid-stream and bills only the delivered tokens', async () => {
    const [host] = await modelServedBy('slow-stream', [{ stream: { chunks: 300, text: ' market', intervalMs: 10 } }]);
    const buyer = await fundedBuyer(market, '1');
    const hangUp = new AbortController();
    const res = await chat(buyer.key, 'slow-stream', { stream: true }, hangUp.signal);
    const reader = res.body!.getReader();
    let received = '';
    while ((received.match(/"content"/g) ?? []).length < 3)
      received += new TextDecoder().decode((await reader.read()).value);
    hangUp.abort();

    await expect.poll(() => host!.streams[0]?.closedEarly).toBe(true);
    await market.flushBilling();
    await expect.poll(async () => (await usage(buyer.key)).length).toBe(1);
    const [record] = await usage(buyer.key);
    const sent = host!.streams[0]!.sent;
    expect(sent).toBeLessThan(300);
    expect(record).toMatchObject({ status: 'client_closed' });
    // " market" is one token of the built-in tokenizer: at least what the buyer read, at most what the host sent.
    expect(record!.completion_tokens).toBeGreaterThanOrEqual(3);
    expect(record!.completion_tokens).toBeLessThanOrEqual(sent);
    expect(parseNanos(record!.cost)).toBe(
      BigInt(record!.prompt_tokens) * 100n + BigInt(record!.completion_tokens) * 200n,
    );
  });

  it("passes a host's 400 and 413 to the buyer, with the host's message and nothing charged", async () => {
    await modelServedBy('picky', [
      { status: 400, body: { error: { message: 'grammar is not valid', type: 'invalid_request_error' } } },
    ]);
    await modelServedBy('small', [{ status: 413, body: { error: { message: 'request too large for this host' } } }]);
    const buyer = await fundedBuyer(market, '1');
    const picky = await chat(buyer.key, 'picky');
    expect(picky.status).toBe(400);
    expect(await picky.json()).toMatchObject({ error: { message: 'grammar is not valid', code: 'rejected_by_host' } });
    expect((await chat(buyer.key, 'small')).status).toBe(413);
    await market.flushBilling();
    expect((await usage(buyer.key)).map((r) => [r.status, r.cost])).toEqual([
      ['rejected_by_host', '0'],
      ['rejected_by_host', '0'],
    ]);
  });

  it('passes over a busy (429) or misconfigured (401) host to the next, and answers 503/502 when none is left', async () => {
    const answer = scriptedAnswer;
    const [busy, locked, healthy] = await modelServedBy('crowded', [
      { status: 429, body: { error: { message: 'busy' } } },
      { status: 401, body: { error: { message: 'who are you?' } } },
      // Slower than the unmeasured others, so once it has answered the router tries those first.
      { status: 200, body: answer, delayMs: 30 },
    ]);
    const buyer = await fundedBuyer(market, '1');
    for (let i = 0; i < 3; i++) expect((await chat(buyer.key, 'crowded')).status).toBe(200);
    expect(healthy!.requests).toBe(3);
    expect(busy!.requests).toBeGreaterThanOrEqual(2);
    expect(locked!.requests).toBeGreaterThanOrEqual(2);

    const [onlyBusy] = await modelServedBy('saturated', [{ status: 429, body: { error: { message: 'busy' } } }]);
    const saturated = await chat(buyer.key, 'saturated');
    expect(saturated.status).toBe(503);
    expect(saturated.headers.get('retry-after')).toBe('1');
    expect(onlyBusy!.requests).toBe(1);
    for (const [model, status] of [
      ['locked-out', 401],
      ['misconfigured', 404],
    ] as const) {
      await modelServedBy(model, [{ status, body: { error: { message: 'not for you' } } }]);
      const failed = await chat(buyer.key, model);
      expect(failed.status).toBe(502);
      expect(await failed.json()).toMatchObject({ error: { code: 'host_failed' } });
    }
    await market.flushBilling();
    expect((await usage(buyer.key)).filter((r) => r.status === 'no_host_succeeded').map((r) => r.cost)).toEqual([
      '0',
      '0',
      '0',
    ]);
  });

  it('passes over a host whose answer is not JSON or whose stream breaks before its first token, and answers 502 (not a 500) when it is the only one', async () => {
    const [garbled, healthy] = await modelServedBy('garbled', [
      { status: 200, body: '{"choices": [' },
      { status: 200, body: scriptedAnswer, delayMs: 30 },
    ]);
    const buyer = await fundedBuyer(market, '1');
    for (let i = 0; i < 2; i++) expect((await chat(buyer.key, 'garbled')).status).toBe(200);
    expect(garbled!.requests).toBeGreaterThanOrEqual(1);
    expect(healthy!.requests).toBe(2);
    const [broken] = await modelServedBy('broken-stream', [
      { stream: { chunks: 5, text: ' market', intervalMs: 5, breakAfter: 0 } },
      { stream: { chunks: 5, text: ' market', intervalMs: 5 } },
    ]);
    for (let i = 0; i < 2; i++) {
      const streamed = await chat(buyer.key, 'broken-stream', { stream: true });
      expect(streamed.status).toBe(200);
      expect(await streamed.text()).toContain('data: [DONE]');
    }
    expect(broken!.requests).toBeGreaterThanOrEqual(1);
    await modelServedBy('only-garbled', [{ status: 200, body: 'not json' }]);
    const failed = await chat(buyer.key, 'only-garbled');
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ error: { code: 'host_failed' } });
  });
});
