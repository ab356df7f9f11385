import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerAccount } from '../ledger/transaction.ts';
import { planRefunds } from './conviction-refund-plan.ts';

const responses = fc.array(
  fc.record({
    requestId: fc.uuid(),
    accountId: fc.constantFrom('a', 'b', 'c', 'd'),
    cost: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  }),
  { maxLength: 40 },
);
const balance = fc.bigInt({ min: -(10n ** 9n), max: 10n ** 13n });

describe('refunds on a conviction', () => {
  it('give every buyer back exactly what it paid, from host earnings, then its bond, then the treasury, then funding, in balanced transactions', () => {
    fc.assert(
      fc.property(
        responses,
        balance,
        balance,
        balance,
        balance,
        fc.bigInt({ min: 0n, max: 10_000n }),
        (served, hostEarnings, hostBond, hostUnbonding, treasury, slashBps) => {
          const plan = planRefunds('cv1', 'h1', served, { hostEarnings, hostBond, hostUnbonding, treasury }, slashBps);
          const credited = new Map<string, bigint>();
          for (const tx of plan.transactions) {
            expect(tx.entries.reduce((s, e) => s + e.amount, 0n)).toBe(0n);
            if (tx.kind === 'refund')
              for (const e of tx.entries)
                if (e.amount > 0n) credited.set(e.account, (credited.get(e.account) ?? 0n) + e.amount);
          }
          for (const account of ['a', 'b', 'c', 'd']) {
            const paid = served.filter((r) => r.accountId === account).reduce((s, r) => s + r.cost, 0n);
            expect(credited.get(ledgerAccount.credits(account)) ?? 0n).toBe(paid);
          }
          expect(plan.fromHost + plan.fromBond + plan.fromTreasury + plan.fromFunding).toBe(plan.total);
          const positive = (n: bigint) => (n > 0n ? n : 0n);
          const bond = positive(hostBond) + positive(hostUnbonding);
          expect(plan.fromHost).toBeLessThanOrEqual(positive(hostEarnings));
          expect(plan.fromBond).toBeLessThanOrEqual(bond);
          expect(plan.fromTreasury).toBeLessThanOrEqual(positive(treasury));
          if (plan.fromBond > 0n) expect(plan.fromHost).toBe(positive(hostEarnings));
          if (plan.fromTreasury > 0n) expect(plan.fromBond).toBe(bond);
          if (plan.fromFunding > 0n) expect(plan.fromTreasury).toBe(positive(treasury));
          expect(plan.slashed).toBe(((bond - plan.fromBond) * slashBps) / 10_000n);
        },
      ),
    );
  });

  it('has one idempotency key per conviction and buyer, so a retried conviction refunds nobody twice', () => {
    const plan = planRefunds(
      'cv1',
      'h1',
      [
        { requestId: 'r1', accountId: 'a', cost: 5n },
        { requestId: 'r2', accountId: 'a', cost: 7n },
      ],
      { hostEarnings: 100n, hostBond: 0n, hostUnbonding: 0n, treasury: 0n },
      2_000n,
    );
    expect(plan.transactions.map((t) => t.idempotencyKey)).toEqual(['refund:cv1:a']);
    expect(plan.total).toBe(12n);
  });
});
