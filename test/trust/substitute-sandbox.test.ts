// The product's proof, on the built-in engine with real models: honest hosts and one serving a substitute under the
// same SKU, seeded mixed traffic through the paid path. The cheater is convicted within five checks, no honest host
// is, and the buyer gets back every nano-unit it paid the cheater since its last passed check.
import { describe, expect, it } from 'vitest';
import { runSandbox, type Cheat } from '../../src/main/sandbox.ts';
import { TEST_MODEL_CACHE } from '../support/model-cache-dir.ts';

const scenarios: Array<{ cheat: Cheat; seed: number }> = [
  { cheat: 'q8_0', seed: 11 },
  { cheat: 'other-seed', seed: 12 },
];

describe('the substitute scenario', () => {
  it.each(scenarios)('convicts a host serving $cheat (seed $seed) within five checks, never an honest one, and refunds its buyer to the nano-unit', async ({ cheat, seed }) => {
    const result = await runSandbox({
      cheat,
      seed,
      honestHosts: 2,
      maxRequests: 150,
      concurrency: 4,
      modelCacheDir: TEST_MODEL_CACHE,
      say: () => undefined,
      async inspect({ market, buyerAccountId, credited, cheaterHostIds, result }) {
        const usage = await market.store.listUsage(buyerAccountId, 1000);
        const convictions = (await Promise.all(cheaterHostIds.map((id) => market.verification.hostConvictions(id)))).flat();
        expect(convictions.length).toBeGreaterThan(0);
        for (const conviction of convictions) {
          const refundedRows = usage.filter((u) => u.refundedBy === conviction.id);
          expect(refundedRows.every((u) => u.hostId === conviction.hostId)).toBe(true);
          expect(refundedRows.reduce((sum, u) => sum + u.cost, 0n)).toBe(conviction.refunded);
        }
        // Every paid answer of the cheater up to its first conviction was refunded (it never passed a check).
        const first = convictions[0]!;
        const unrefunded = usage.filter((u) => cheaterHostIds.includes(u.hostId ?? '') && u.cost > 0n && u.refundedBy === null && u.createdAtMs <= first.createdAtMs);
        expect(unrefunded).toEqual([]);
        // What the buyer holds is what it was granted, less what it paid, plus every refund.
        const paid = usage.reduce((sum, u) => sum + u.cost, 0n);
        const refunded = convictions.reduce((sum, c) => sum + c.refunded, 0n);
        const { credits, holds } = await market.store.balances(buyerAccountId);
        expect(credits + holds).toBe(credited - paid + refunded);
        expect((await market.store.ledgerTotals()).sum).toBe(0n);
        expect(result.refunded).not.toBe('0');
      },
    });
    expect(result).toMatchObject({ scenario: 'substitute', cheat, seed, cheaters_convicted: 1, honest_convicted: 0, honest_failed_checks: 0 });
    expect(result.checks_to_conviction[0]).toBeLessThanOrEqual(5);
    expect(result.honest_checks).toBeGreaterThan(0);
  }, 180_000);
});
