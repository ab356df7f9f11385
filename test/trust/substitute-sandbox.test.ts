// The product's proof, on the built-in engine with real models: honest hosts and one serving a substitute under the
// same SKU, seeded mixed traffic through the paid path. The cheater is convicted within five checks, no honest host
// is, and the buyer gets back every nano-unit it paid the cheater since its last passed check. The convicted host
// reads the evidence and appeals.
import { describe, expect, it } from 'vitest';
import { runSandbox, type Cheat } from '../../src/main/sandbox.ts';
import { TEST_MODEL_CACHE } from '../support/model-cache-dir.ts';

const call = async <T>(
  url: string,
  token: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: T }> => {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
};

type Evidence = {
  checks: Array<{
    passed: boolean;
    mean_tv: number;
    reference: string;
    responses: Array<{ request_digest: string; response_digest: string; host_signature: string | null }>;
  }>;
  convictions: Array<{ id: string; failed_checks: string[]; refunded: string }>;
};

/** The convicted host sees the evidence (failed checks with the digests it signed) and appeals; the operator grants it. */
async function theCheaterReadsItsEvidenceAndAppeals(
  marketUrl: string,
  operatorKey: string,
  cheater: { hostId: string; hostToken: string },
) {
  const evidence = (await call<Evidence>(`${marketUrl}/hosts/me/checks`, cheater.hostToken, 'GET')).body;
  const [conviction] = evidence.convictions;
  // Failed checks alone convict after two; a pooled statistic (seed agreement on sampled traffic) can convict on one.
  expect(conviction?.failed_checks.length).toBeGreaterThanOrEqual(1);
  const failed = evidence.checks.filter((c) => !c.passed);
  expect(failed.length).toBeGreaterThanOrEqual(conviction!.failed_checks.length);
  for (const check of failed) {
    expect(check.mean_tv).toBeGreaterThan(2e-3);
    expect(check.reference).toMatch(/^agora-tiny f32 sha256:/);
    for (const r of check.responses)
      expect(r).toMatchObject({
        request_digest: expect.stringMatching(/^sha256:/),
        response_digest: expect.stringMatching(/^sha256:/),
        host_signature: expect.any(String),
      });
  }
  const status = async () =>
    (
      await call<{ data: Array<{ id: string; suspended_since: string | null }> }>(
        `${marketUrl}/admin/hosts`,
        operatorKey,
        'GET',
      )
    ).body.data.find((h) => h.id === cheater.hostId);
  expect((await status())?.suspended_since).not.toBeNull();
  const appeal = await call<{ id: string; status: string }>(
    `${marketUrl}/hosts/me/appeals`,
    cheater.hostToken,
    'POST',
    { conviction_id: conviction!.id, reason: 'my GPU was misconfigured' },
  );
  expect(appeal).toMatchObject({ status: 201, body: { status: 'open' } });
  expect(
    (
      await call(`${marketUrl}/hosts/me/appeals`, cheater.hostToken, 'POST', {
        conviction_id: 'cv_not_mine',
        reason: 'x',
      })
    ).status,
  ).toBe(404);
  const granted = await call<{ status: string }>(`${marketUrl}/admin/appeals/${appeal.body.id}`, operatorKey, 'POST', {
    decision: 'grant',
  });
  expect(granted.body.status).toBe('granted');
  expect((await status())?.suspended_since).toBeNull();
}

const scenarios: Array<{ cheat: Cheat; seed: number }> = [
  { cheat: 'q8_0', seed: 11 },
  { cheat: 'other-seed', seed: 12 },
];

describe('the substitute scenario', () => {
  it.each(scenarios)(
    'convicts a host serving $cheat (seed $seed) within five checks, never an honest one, and refunds its buyer to the nano-unit',
    async ({ cheat, seed }) => {
      const result = await runSandbox({
        cheat,
        seed,
        honestHosts: 2,
        maxRequests: 150,
        concurrency: 4,
        modelCacheDir: TEST_MODEL_CACHE,
        say: () => undefined,
        async inspect({ market, buyerAccountId, credited, cheaters, result }) {
          const cheaterHostIds = cheaters.map((c) => c.hostId);
          const usage = await market.store.listUsage({ accountId: buyerAccountId }, 1000);
          const convictions = (
            await Promise.all(cheaterHostIds.map((id) => market.verification.hostConvictions(id)))
          ).flat();
          expect(convictions.length).toBeGreaterThan(0);
          for (const conviction of convictions) {
            const refundedRows = usage.filter((u) => u.refundedBy === conviction.id);
            expect(refundedRows.every((u) => u.hostId === conviction.hostId)).toBe(true);
            expect(refundedRows.reduce((sum, u) => sum + u.cost, 0n)).toBe(conviction.refunded);
          }
          // Every paid answer of the cheater up to its first conviction was refunded (it never passed a check).
          const first = convictions[0]!;
          const unrefunded = usage.filter(
            (u) =>
              cheaterHostIds.includes(u.hostId ?? '') &&
              u.cost > 0n &&
              u.refundedBy === null &&
              u.createdAtMs <= first.createdAtMs,
          );
          expect(unrefunded).toEqual([]);
          // What the buyer holds is what it was granted, less what it paid, plus every refund.
          const paid = usage.reduce((sum, u) => sum + u.cost, 0n);
          const refunded = convictions.reduce((sum, c) => sum + c.refunded, 0n);
          const { credits, holds } = await market.store.balances(buyerAccountId);
          expect(credits + holds).toBe(credited - paid + refunded);
          expect((await market.store.ledgerTotals()).sum).toBe(0n);
          expect(result.refunded).not.toBe('0');
          await theCheaterReadsItsEvidenceAndAppeals(market.url, market.operatorKey, cheaters[0]!);
        },
      });
      expect(result).toMatchObject({
        scenario: 'substitute',
        cheat,
        seed,
        ok: true,
        cheaters_convicted: 1,
        honest_convicted: 0,
        honest_failed_checks: 0,
      });
      expect(result.checks_to_conviction[0]).toBeLessThanOrEqual(5);
      expect(result.honest_checks).toBeGreaterThan(0);
    },
    180_000,
  );
});
