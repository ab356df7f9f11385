// Sampled re-scoring on a real market with an honest built-in host, and buyers' disputes: a dispute is recorded,
// never twice, only for the buyer's own responses; it makes every answer of the host a sample until a check settles
// it; the host's evidence shows each check with the digests it rests on; an account whose disputes keep being
// rejected loses the right to dispute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat } from '../support/chat-request.ts';
import type { ResponseOf } from '../../src/contracts/http/route-contract.ts';
import { v1Routes } from '../../src/contracts/routes/v1-routes.ts';
import { fundedBuyer, marketClient, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
let buyer: { key: string };
beforeAll(async () => {
  market = await startTestMarket({ verification: { samplingFloor: 0.02, workerIntervalMs: 3_600_000 } });
  buyer = await fundedBuyer(market, '10');
}, 120_000);
afterAll(() => market.stop());

type Dispute = ResponseOf<typeof v1Routes.openDispute>;

const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${market.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${buyer.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
};
const serveRequests = async (n: number) => {
  for (let i = 0; i < n; i++)
    expect(
      (
        await postChat(market.url, buyer.key, {
          max_tokens: 64,
          temperature: i % 2 === 0 ? 0 : 0.7,
          stream: i % 3 === 0,
        })
      ).status,
    ).toBe(200);
  await market.flushBilling();
};
const requestIds = async () =>
  (await call<{ data: Array<{ request_id: string }> }>('GET', '/v1/usage')).body.data.map((u) => u.request_id);
const hostId = () => market.hosts[0]!.hostId;
/** The host's evidence and the buyer's disputes through the SDK: answers parsed by the routes' contracts. */
const checks = async () => (await marketClient(market).admin.hostChecks({ params: { id: hostId() } })).checks;
const disputes = async () => (await marketClient(market, buyer.key).v1.listDisputes()).data;

describe('sampled re-scoring and disputes', () => {
  it("re-scores a new host's answers against the reference, keeps the evidence and deletes the payloads of passed checks", async () => {
    await serveRequests(6);
    // Samples are queued just after each answer, off the request path: poll until the verifier has judged them.
    await expect
      .poll(
        async () => {
          await market.verifyNow!();
          return (await checks()).length;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBeGreaterThan(0);
    const done = await checks();
    for (const check of done) {
      expect(check).toMatchObject({ passed: true, reference: expect.stringContaining('agora-tiny f32 sha256:') });
      expect(check.positions).toBeGreaterThanOrEqual(48);
      expect(check.mean_tv).toBeLessThan(2e-3);
      for (const response of check.responses) expect(response.response_digest).toMatch(/^sha256:/);
    }
    const checked = done.flatMap((c) => c.responses.map((r) => r.request_id));
    expect((await market.verification.samples(checked)).every((s) => s.payload === null)).toBe(true);
    // A second verifier (another gateway instance, a validator) that judged the same samples records nothing.
    const [first] = done;
    const again = await market.verification.recordCheck(
      {
        id: 'chk_again',
        hostId: hostId(),
        modelId: first!.model,
        verdict: {
          passed: false,
          positions: 48,
          meanTv: 1,
          maxTv: 1,
          meanAbsLogprobDelta: 0,
          greedyMismatches: 0,
          implausibleStops: 0,
          reasons: ['again'],
        },
        reference: 'x',
        requestIds: first!.responses.map((r) => r.request_id),
      },
      (standing) => ({ ...standing, evidenceScore: 100 }),
    );
    expect(again).toBeUndefined();
    expect((await checks()).length).toBe(done.length);
  }, 60_000);

  it('records a dispute of your own response once, refuses others, and settles it by the next check', async () => {
    const [latest] = await requestIds();
    const opened = await call<Dispute>('POST', '/v1/disputes', { request_id: latest, reason: 'looks wrong' });
    expect(opened).toMatchObject({ status: 201, body: { request_id: latest, status: 'open' } });
    expect(
      (await call<{ error: { code: string } }>('POST', '/v1/disputes', { request_id: latest })).body.error.code,
    ).toBe('already_disputed');
    const unknown = await call<{ error: { code: string; param: string } }>('POST', '/v1/disputes', {
      request_id: 'not-mine',
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'request_not_found', param: 'request_id' } } });
    expect((await call('POST', '/v1/disputes', { reason: 'no id' })).status).toBe(400);

    // A dispute never penalizes by itself: the host's next check decides, and an honest host passes it.
    await expect
      .poll(
        async () => {
          await serveRequests(1);
          await market.verifyNow!();
          return (await disputes()).find((d) => d.id === opened.body.id)?.status;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe('rejected');
    expect((await checks()).every((c) => c.passed)).toBe(true);
  }, 90_000);

  it('takes the right to dispute from an account whose disputes keep being rejected', async () => {
    await serveRequests(5);
    const already = new Set((await disputes()).map((d) => d.request_id));
    for (const id of (await requestIds()).filter((id) => !already.has(id)).slice(0, 5))
      expect((await call('POST', '/v1/disputes', { request_id: id })).status).toBe(201);
    await expect
      .poll(
        async () => {
          await serveRequests(1);
          await market.verifyNow!();
          return (await disputes()).filter((d) => d.status === 'rejected').length;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(6);
    const [newest] = await requestIds();
    const refused = await call<{ error: { code: string; type: string } }>('POST', '/v1/disputes', {
      request_id: newest,
    });
    expect(refused).toMatchObject({
      status: 403,
      body: { error: { code: 'disputes_revoked', type: 'permission_error' } },
    });
  }, 90_000);
});
