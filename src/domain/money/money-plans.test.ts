// Invariants every money plan keeps, whatever the facts it is given: each planned transaction balances to zero and
// has no zero entry, nothing moves out of a host's account beyond what the account holds, a lease stays within the
// credits and the key tree's limits, and a capture batch bills each new request once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOND_RULES } from '../economics/bonds.ts';
import { captureTransaction, ledgerAccount, type PlannedTransaction } from '../ledger/transaction.ts';
import { planBondPost, planUnbonding } from './bond-plan.ts';
import { planCaptureBatch } from './capture-plan.ts';
import { planCreditGrant } from './credit-grant-plan.ts';
import { planEpochClose } from './epoch-close-plan.ts';
import { planEarningsRelease, planUnbondingRelease } from './hold-back-release-plan.ts';
import { planLease, planLeaseReturn, planLeaseShrink } from './lease-plan.ts';
import { DEFAULT_REVENUE_SPLIT } from './nanos.ts';
import { planPayoutRequest, planPayoutSettlement } from './payout-plan.ts';
import { planTopUpConfirmation } from './top-up-plan.ts';

const amount = fc.bigInt({ min: -(10n ** 6n), max: 10n ** 15n });
const positive = fc.bigInt({ min: 1n, max: 10n ** 15n });

const expectBalanced = (tx: PlannedTransaction | undefined) => {
  if (!tx) return;
  expect(tx.entries.reduce((sum, e) => sum + e.amount, 0n)).toBe(0n);
  expect(tx.entries.every((e) => e.amount !== 0n)).toBe(true);
};
/** What the transaction takes out of one account (0 when it does not touch it). */
const takenFrom = (tx: PlannedTransaction | undefined, account: string) =>
  -(tx?.entries.filter((e) => e.account === account).reduce((sum, e) => sum + e.amount, 0n) ?? 0n);

describe('money plans', () => {
  it('move nothing out of a host account beyond its balance, in balanced transactions', () => {
    fc.assert(
      fc.property(amount, amount, fc.option(amount, { nil: undefined }), (move, balance, asked) => {
        const bond = planBondPost('b1', 'h', move, balance);
        const unbonding = planUnbonding('u1', 'h', move, balance);
        const payout = planPayoutRequest('p1', 'h', asked, balance);
        const earnings = planEarningsRelease(3, 'h', move, balance);
        const unbonded = planUnbondingRelease({ id: 'u1', hostId: 'h', amount: move }, balance);
        for (const tx of [bond, unbonding, payout?.transaction, earnings, unbonded]) expectBalanced(tx);
        expect(takenFrom(bond, ledgerAccount.hostPayable('h'))).toBeLessThanOrEqual(balance < 0n ? 0n : balance);
        expect(takenFrom(unbonding, ledgerAccount.hostBond('h'))).toBeLessThanOrEqual(balance < 0n ? 0n : balance);
        if (payout) expect(payout.amount).toBeLessThanOrEqual(balance);
        expect(takenFrom(earnings, ledgerAccount.hostEarnings('h'))).toBeLessThanOrEqual(balance < 0n ? 0n : balance);
        expect(takenFrom(earnings, ledgerAccount.hostEarnings('h'))).toBeLessThanOrEqual(move < 0n ? 0n : move);
        expect(takenFrom(unbonded, ledgerAccount.hostUnbonding('h'))).toBeLessThanOrEqual(balance < 0n ? 0n : balance);
      }),
    );
  });

  it('settle payouts, top-ups and grants in balanced transactions that move exactly their amount', () => {
    fc.assert(
      fc.property(positive, fc.boolean(), fc.boolean(), (move, paid, toHost) => {
        const settled = planPayoutSettlement({ id: 'p', hostId: 'h', amount: move }, paid ? 'paid' : 'failed');
        const target = toHost ? { accountId: null, hostId: 'h' } : { accountId: 'a', hostId: null };
        const topUp = planTopUpConfirmation({ id: 't', amount: move, ...target });
        const grant = planCreditGrant('a', move, 'g');
        for (const tx of [settled, topUp.transaction, grant]) expectBalanced(tx);
        expect(takenFrom(settled, ledgerAccount.hostPayout('h'))).toBe(move);
        expect(takenFrom(topUp.transaction, ledgerAccount.funding)).toBe(move);
        expect(takenFrom(grant, ledgerAccount.funding)).toBe(move);
      }),
    );
  });

  it('lease within the credits and the key tree, and give back exactly what a shrink or return names', () => {
    fc.assert(
      fc.property(
        positive,
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        amount,
        fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: null }),
        fc.boolean(),
        (need, chunk, credits, limit, inactive) => {
          const key = {
            id: 'k',
            parentKeyId: null,
            limitTotal: limit,
            limitDaily: null,
            spentTotal: 0n,
            spentToday: 0n,
            leased: 0n,
            inactive,
          };
          const ask = { leaseId: 'l', keyId: 'k', accountId: 'a', needNanos: need, chunkNanos: chunk };
          const lease = planLease(ask, { creditsNanos: credits, keys: [key] });
          if (lease.ok) {
            expectBalanced(lease.transaction);
            expect(lease.amount).toBeGreaterThanOrEqual(need);
            expect(lease.amount).toBeLessThanOrEqual(credits);
            if (limit !== null) expect(lease.amount).toBeLessThanOrEqual(limit);
            expect(takenFrom(lease.transaction, ledgerAccount.credits('a'))).toBe(lease.amount);
          } else if (inactive) expect(lease.reason).toBe('key_inactive');
          const shrink = planLeaseShrink('s', 'a', credits);
          expectBalanced(shrink?.transaction);
          if (shrink) expect(takenFrom(shrink.transaction, ledgerAccount.holds('a'))).toBe(shrink.leaseShrinksBy);
          const back = planLeaseReturn('l', 'a', credits);
          expectBalanced(back);
          expect(takenFrom(back, ledgerAccount.holds('a'))).toBe(credits > 0n ? credits : 0n);
        },
      ),
    );
  });

  it('bill each newly recorded capture once, and sum its cost into its lease, key and day', () => {
    const capture = fc.record({
      requestId: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'),
      leaseId: fc.constantFrom('l1', 'l2'),
      keyId: fc.constantFrom('k1', 'k2'),
      day: fc.constantFrom('2026-01-01', '2026-01-02'),
      cost: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(capture, { selector: (c) => c.requestId }),
        fc.subarray(['r1', 'r2', 'r3']),
        (cs, fresh) => {
          const facts = cs.map((c) => ({
            ...c,
            transaction: captureTransaction(c.requestId, 'a', 'h', c.cost, DEFAULT_REVENUE_SPLIT),
          }));
          const plan = planCaptureBatch(facts, new Set(fresh));
          plan.transactions.forEach(expectBalanced);
          const billed = cs.filter((c) => c.cost > 0n && fresh.includes(c.requestId));
          expect(plan.transactions.map((t) => t.idempotencyKey)).toEqual(billed.map((c) => `capture:${c.requestId}`));
          const total = billed.reduce((sum, c) => sum + c.cost, 0n);
          for (const spend of [plan.leaseSpend, plan.keySpend, plan.dailySpend])
            expect(spend.reduce((sum, s) => sum + s.amount, 0n)).toBe(total);
          expect(plan.transactions.reduce((sum, t) => sum + takenFrom(t, ledgerAccount.holds('a')), 0n)).toBe(total);
        },
      ),
    );
  });

  it('slash a host for an epoch of misses by the bond share, never more than its bond', () => {
    const host = fc.record({
      hostId: fc.constantFrom('h1', 'h2', 'h3'),
      requests: fc.nat(1_000),
      misses: fc.nat(1_000),
      bond: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(host, { selector: (h) => h.hostId }), (hosts) => {
        const plan = planEpochClose(7, hosts, DEFAULT_BOND_RULES);
        plan.transactions.forEach(expectBalanced);
        for (const slash of plan.slashes) {
          const facts = hosts.find((h) => h.hostId === slash.hostId)!;
          expect(slash.amount).toBeLessThanOrEqual(facts.bond);
          expect(facts.misses * 10_000).toBeGreaterThan((facts.requests + facts.misses) * 500);
        }
        const slashed = plan.transactions.reduce((sum, t) => sum + takenFrom(t, ledgerAccount.treasury), 0n);
        expect(-slashed).toBe(plan.slashes.reduce((sum, s) => sum + s.amount, 0n));
      }),
    );
  });
});
