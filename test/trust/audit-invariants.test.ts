// The two invariants verification rests on (docs/verification.md, "Invariants"): a host commits to its answer —
// signs the digest of the exact bytes it sent — before anything can tell it whether the answer is checked, and the
// answers checked are real buyers' traffic, not only probes a host could learn to recognize.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyHostSignature } from '../../src/adapters/keys/host-identity.ts';
import { receiptMessage } from '../../src/contracts/hosts/response-receipt.ts';
import { postChat } from '../support/chat-request.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  // No verifier here: the kept samples stay queued for the test to read.
  market = await startTestMarket({ verification: { samplingFloor: 0.02, workerIntervalMs: 0 } });
}, 120_000);
afterAll(() => market.stop());

describe('audit invariants', () => {
  it("commit before audit: every kept answer carries the host's signature over the digests of what it sent, made before the draw", async () => {
    const buyer = await fundedBuyer(market, '1');
    const ids: string[] = [];
    for (const stream of [false, true]) {
      const res = await postChat(market.url, buyer.key, { max_tokens: 12, temperature: 0, stream });
      expect(res.status).toBe(200);
      await res.text();
      ids.push(res.headers.get('x-request-id')!);
    }
    await market.flushBilling();
    await expect.poll(async () => (await market.verification.unscoredSamples(50)).length).toBeGreaterThanOrEqual(2);
    const kept = (await market.verification.unscoredSamples(50)).filter((s) => ids.includes(s.requestId));
    // A new host is sampled on every answer: both are kept, each with the receipt the host signed as it answered.
    expect(kept).toHaveLength(2);
    for (const sample of kept) {
      const { requestDigest, responseDigest, signature } = sample.receipt!;
      expect(signature).not.toBeNull();
      expect(
        verifyHostSignature(
          sample.hostPublicKey!,
          receiptMessage(sample.requestId, requestDigest, responseDigest),
          signature!,
        ),
      ).toBe(true);
      // The signature binds these digests: the host cannot re-answer once it learns the answer is checked.
      expect(
        verifyHostSignature(
          sample.hostPublicKey!,
          receiptMessage(sample.requestId, requestDigest, `sha256:${'0'.repeat(64)}`),
          signature!,
        ),
      ).toBe(false);
    }
  });

  it("audits real traffic: the answers kept are the buyers' own requests, by the ids the buyers were given", async () => {
    const buyer = await fundedBuyer(market, '1');
    const res = await postChat(market.url, buyer.key, { max_tokens: 8, temperature: 0.7 });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    await market.flushBilling();
    await expect
      .poll(async () => (await market.verification.unscoredSamples(100)).map((s) => s.requestId))
      .toContain(requestId);
    const sample = (await market.verification.unscoredSamples(100)).find((s) => s.requestId === requestId)!;
    const served = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    // What is re-scored is the answer the buyer got, token for token (the market's prompt ids, the host's claims).
    expect(sample.payload).toMatchObject({ temperature: 0.7 });
    expect('claimed' in sample.payload && sample.payload.claimed.length).toBeGreaterThan(0);
    expect(served.choices[0]?.message.content.length).toBeGreaterThan(0);
  });
});
