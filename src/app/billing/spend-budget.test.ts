// The spend budget against a working in-memory lease store (the same lease plan as the SQL store, one account):
// a request refused for funds first takes back what this instance leased and no request holds, from busy leases too.
import { describe, expect, it } from 'vitest';
import { planLeaseGrant } from '../../domain/ledger/lease-grant.ts';
import { createBillingBatcher } from './billing-batcher.ts';
import { createSpendBudget } from './spend-budget.ts';
import type { BillingOperation, LeaseStore } from '../ports.ts';

function memoryLeases(credits: bigint) {
  const state = { credits, leases: new Map<string, bigint>() };
  const store: LeaseStore = {
    async acquire(request) {
      const grant = planLeaseGrant({
        needNanos: request.needNanos,
        chunkNanos: request.chunkNanos,
        creditsNanos: state.credits,
        headroomNanos: null,
      });
      if (!grant.ok) return grant;
      state.credits -= grant.amount;
      state.leases.set(request.leaseId, grant.amount);
      return grant;
    },
    async renew() {},
    async reclaimExpired() {
      return 0;
    },
  };
  const write = async (operations: readonly BillingOperation[]) => {
    for (const op of operations) {
      if (op.type === 'capture') state.leases.set(op.leaseId, (state.leases.get(op.leaseId) ?? 0n) - op.usage.cost);
      else {
        const amount = op.type === 'shrink-lease' ? op.amount : (state.leases.get(op.leaseId) ?? 0n);
        state.leases.set(op.leaseId, (state.leases.get(op.leaseId) ?? 0n) - amount);
        state.credits += amount;
      }
    }
  };
  return { state, store, write };
}

describe('spend budget', () => {
  it("takes back the unused part of other keys' busy leases before refusing a request for funds", async () => {
    const db = memoryLeases(1_000n);
    const batcher = createBillingBatcher(
      {
        writer: { write: db.write },
        logger: { info() {}, warn() {}, error() {} },
        clock: { nowMs: () => 0 },
        defer: () => undefined,
        observer: { durable() {}, abandoned() {} },
      },
      { maxBatch: 1_000, idleWindowMs: 1_000, maxRestMs: 0, retryBaseMs: 10, retryMaxMs: 1_000, giveUpAfterMs: 10_000 },
    );
    let n = 0;
    const budget = createSpendBudget(
      {
        leases: db.store,
        batcher,
        clock: { nowMs: () => 0 },
        ids: { newId: (p) => `${p}${++n}`, newSecret: () => 's' },
      },
      { instanceId: 'i', leaseChunkNanos: 1_000n, leaseTtlMs: 60_000 },
    );
    const key = (id: string) => ({ id, accountId: 'acct' });
    // A leases 100 + a quarter of the spare 900; B 500 + a quarter of the 175 left: 132 stay free.
    expect(await budget.hold(key('a'), 100n)).toMatchObject({ ok: true });
    expect(await budget.hold(key('b'), 500n)).toMatchObject({ ok: true });
    expect(db.state.credits).toBe(132n);
    // C needs 300: only after A's 225 and B's 43 unused come back.
    expect(await budget.hold(key('c'), 300n)).toMatchObject({ ok: true });
    expect(budget.heldBy(new Set(['a', 'b', 'c']))).toBe(900n);
    expect(budget.heldBy(new Set(['a']))).toBe(100n);
    // Nothing is lost: credits + leases is still the account's 1,000.
    expect(db.state.credits + [...db.state.leases.values()].reduce((a, b) => a + b, 0n)).toBe(1_000n);
    // A fourth key that needs more than is left, even after taking back everything unused, is refused.
    expect(await budget.hold(key('d'), 200n)).toEqual({ ok: false, reason: 'insufficient_funds' });
  });
});
