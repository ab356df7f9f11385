// What the market answered, it charged: the end of an answer (the JSON body; a stream's usage chunk and [DONE])
// leaves only once the capture that charges it is durable, while the first tokens stream at once; and when the
// database cannot take the capture before the give-up time, the answer ends in a billing_unavailable error with
// nothing charged, counted in /metrics. A wrapper around the real database writer holds or fails the writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingOperation } from '../../src/app/ports.ts';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

/** The events the test orders: the writer's and the buyer's, in the order they happened. */
const events: string[] = [];
/** Writes holding a capture of this key wait for `gate` (and say so through `writeStarted`). */
let heldKey: string | undefined;
let gate: Promise<void> = Promise.resolve();
let writeStarted: () => void = () => undefined;
/** Writes holding a capture of this key fail: the database is unreachable for it. */
let failingKey: string | undefined;

const capturesOf = (ops: readonly BillingOperation[], keyId: string | undefined) =>
  ops.some((op) => op.type === 'capture' && op.keyId === keyId);

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket({
    billingGiveUpMs: 300,
    wrapBillingWriter: (database) => ({
      async write(ops) {
        if (capturesOf(ops, failingKey)) throw new Error('database unreachable');
        const held = capturesOf(ops, heldKey);
        if (held) {
          events.push('write started');
          writeStarted();
          await gate;
        }
        await database.write(ops);
        if (held) events.push('capture written');
      },
    }),
  });
});
afterAll(() => market.stop());

/** Holds the next write of the key's capture until the returned release() is called. */
function holdCapturesOf(keyId: string): { started: Promise<void>; release: () => void } {
  events.length = 0;
  heldKey = keyId;
  let release!: () => void;
  gate = new Promise((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (writeStarted = resolve));
  return { started, release };
}

/** Reads a stream's events as they come, noting content, the usage chunk, [DONE] and errors in `events`. */
async function readStream(res: Response, seen: string[]): Promise<void> {
  const reader = res.body!.getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += new TextDecoder().decode(value);
    const parts = buffer.split('\n\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) {
      const data = part.replace(/^data: /, '');
      if (data === '[DONE]') seen.push('[DONE]');
      else {
        const event = JSON.parse(data) as { usage?: unknown; error?: { code: string }; choices?: unknown[] };
        seen.push(event.error ? `error ${event.error.code}` : event.usage ? 'usage chunk' : 'content');
      }
    }
  }
}

const wait = (ms: number) => new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms));
const get = async <T>(path: string, key: string) =>
  (await (await fetch(`${market.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).json()) as T;

describe('an answer ends only once its charge is durable', () => {
  it("streams the first tokens at once but holds the usage chunk and [DONE] until the capture's write is done", async () => {
    const buyer = await fundedBuyer(market, '1');
    const held = holdCapturesOf(buyer.keyId);
    const res = await postChat(market.url, buyer.key, {
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 8,
    });
    const seen: string[] = [];
    const reading = readStream(res, seen).then(() => void events.push(...seen.filter((e) => e !== 'content')));
    await held.started;
    await wait(100);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e === 'content')).toBe(true);
    held.release();
    await reading;
    expect(events).toEqual(['write started', 'capture written', 'usage chunk', '[DONE]']);
  });

  it("returns the JSON body only after the capture's write is done", async () => {
    const buyer = await fundedBuyer(market, '1');
    const held = holdCapturesOf(buyer.keyId);
    const answered = postChat(market.url, buyer.key, { max_tokens: 8 }).then((res) => (events.push('body'), res));
    await held.started;
    expect(await Promise.race([answered.then(() => 'answered'), wait(100)])).toBe('waiting');
    held.release();
    const res = await answered;
    expect(res.status).toBe(200);
    expect(events).toEqual(['write started', 'capture written', 'body']);
    const usage = await get<{ data: Array<{ request_id: string }> }>('/v1/usage', buyer.key);
    expect(usage.data.map((r) => r.request_id)).toEqual([res.headers.get('x-request-id')]);
  });

  it('ends the stream in a billing_unavailable error with no [DONE] and charges nothing when the capture cannot be written', async () => {
    const buyer = await fundedBuyer(market, '1');
    failingKey = buyer.keyId;
    const res = await postChat(market.url, buyer.key, {
      stream: true,
      stream_options: { include_usage: true },
      usage: { include: true },
      max_tokens: 8,
    });
    const seen: string[] = [];
    await readStream(res, seen);
    expect(seen.at(-1)).toBe('error billing_unavailable');
    expect(seen).not.toContain('[DONE]');
    expect(seen).not.toContain('usage chunk');

    const json = await postChat(market.url, buyer.key, { max_tokens: 8 });
    expect(json.status).toBe(503);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('billing_unavailable');
    failingKey = undefined;

    await market.flushBilling();
    expect((await get<{ data: unknown[] }>('/v1/usage', buyer.key)).data).toEqual([]);
    expect(parseNanos((await get<{ balance: string }>('/v1/credits', buyer.key)).balance)).toBe(1_000_000_000n);
    const metrics = await (
      await fetch(`${market.url}/metrics`, { headers: { authorization: `Bearer ${market.operatorKey}` } })
    ).text();
    expect(metrics).toMatch(/^agora_billing_abandoned_total\{operation="capture"\} 2$/m);
  });
});
