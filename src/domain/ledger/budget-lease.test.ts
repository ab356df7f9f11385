import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canHold, placeHold, settleHold, type Lease } from './budget-lease.ts';
import { captureTransaction, transfer } from './transaction.ts';
import { splitCost } from '../money/nanos.ts';

type Op = { kind: 'hold'; amount: bigint } | { kind: 'settle'; index: number; costPart: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('hold' as const), amount: fc.bigInt({ min: 0n, max: 5_000n }) }),
    fc.record({
      kind: fc.constant('settle' as const),
      index: fc.nat(50),
      costPart: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  ),
  { maxLength: 200 },
);

describe('budget lease rules', () => {
  it('no interleaving of holds and settlements spends more than the lease', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 20_000n }), ops, (leased, sequence: Op[]) => {
        let lease: Lease = { id: 'l', available: leased, held: 0n, expiresAtMs: 1_000_000 };
        const open: bigint[] = [];
        let spent = 0n;
        for (const op of sequence) {
          if (op.kind === 'hold') {
            if (!canHold(lease, op.amount, 0)) continue;
            lease = placeHold(lease, op.amount);
            open.push(op.amount);
          } else if (open.length) {
            const [amount] = open.splice(op.index % open.length, 1) as [bigint];
            const cost = (amount * BigInt(Math.floor(op.costPart * 1000))) / 1000n;
            lease = settleHold(lease, amount, cost);
            spent += cost;
          }
          expect(lease.available).toBeGreaterThanOrEqual(0n);
          expect(spent + lease.held + lease.available).toBe(leased);
        }
      }),
    );
  });

  it('an expiring lease takes no new holds', () => {
    expect(canHold({ id: 'l', available: 10n, held: 0n, expiresAtMs: 5_000 }, 1n, 0)).toBe(false);
  });

  it('every ledger transaction it builds is balanced and splits lose no nano-unit', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        (cost, takeRateBps, treasuryShareBps) => {
          const split = { takeRateBps, treasuryShareBps };
          const { host, platform, treasury } = splitCost(cost, split);
          expect(host + platform + treasury).toBe(cost);
          expect(host).toBeGreaterThanOrEqual(0n);
          expect(platform).toBeGreaterThanOrEqual(0n);
          expect(treasury).toBeGreaterThanOrEqual(0n);
          const capture = captureTransaction('r', 'a', 'h', cost, split);
          expect(capture?.entries.reduce((s, e) => s + e.amount, 0n)).toBe(0n);
          expect(transfer('k', 'grant', 'x', 'y', cost).entries.reduce((s, e) => s + e.amount, 0n)).toBe(0n);
        },
      ),
    );
  });
});
