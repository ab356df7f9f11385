import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerAccount } from '../ledger/transaction.ts';
import { planRefunds } from './refund-plan.ts';

const responses = fc.array(
  fc.record({ requestId: fc.uuid(), accountId: fc.constantFrom('a', 'b', 'c', 'd'), cost: fc.bigInt({ min: 0n, max: 10n ** 12n }) }),
  { maxLength: 40 },
);
const balance = fc.bigInt({ min: -(10n ** 9n), max: 10n ** 13n });

describe('refunds on a conviction', () => {
  it('give every buyer back exactly what it paid, from host earnings, then the treasury, then funding, in balanced transactions', () => {
    fc.assert(
      fc.property(responses, balance, balance, (served, hostEarnings, treasury) => {
        const plan = planRefunds('cv1', 'h1', served, { hostEarnings, treasury });
        const credited = new Map<string, bigint>();
        for (const tx of plan.transactions) {
          expect(tx.entries.reduce((s, e) => s + e.amount, 0n)).toBe(0n);
          for (const e of tx.entries) if (e.amount > 0n) credited.set(e.account, (credited.get(e.account) ?? 0n) + e.amount);
        }
        for (const account of ['a', 'b', 'c', 'd']) {
          const paid = served.filter((r) => r.accountId === account).reduce((s, r) => s + r.cost, 0n);
          expect(credited.get(ledgerAccount.credits(account)) ?? 0n).toBe(paid);
        }
        expect(plan.fromHost + plan.fromTreasury + plan.fromFunding).toBe(plan.total);
        const positive = (n: bigint) => (n > 0n ? n : 0n);
        expect(plan.fromHost).toBeLessThanOrEqual(positive(hostEarnings));
        expect(plan.fromTreasury).toBeLessThanOrEqual(positive(treasury));
        if (plan.fromTreasury > 0n) expect(plan.fromHost).toBe(positive(hostEarnings));
        if (plan.fromFunding > 0n) expect(plan.fromTreasury).toBe(positive(treasury));
      }),
    );
  });

  it('has one idempotency key per conviction and buyer, so a retried conviction refunds nobody twice', () => {
    const plan = planRefunds('cv1', 'h1', [{ requestId: 'r1', accountId: 'a', cost: 5n }, { requestId: 'r2', accountId: 'a', cost: 7n }], { hostEarnings: 100n, treasury: 0n });
    expect(plan.transactions.map((t) => t.idempotencyKey)).toEqual(['refund:cv1:a']);
    expect(plan.total).toBe(12n);
  });
});
