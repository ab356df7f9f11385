import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planLeaseGrant, LEASE_SPARE_SHARE } from '../ledger/lease-grant.ts';
import {
  ancestry,
  effectiveRemaining,
  spendableNow,
  subtreeSpend,
  treeHeadroom,
  type KeyNode,
} from './key-tree-limits.ts';

const limit = fc.option(fc.bigInt({ min: 0n, max: 3_000n }), { nil: null });
/** A tree of up to 8 keys: key i's parent is an earlier key, or none (a root). */
const tree = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) =>
      fc.record({
        parent: i === 0 ? fc.constant(null) : fc.option(fc.nat(i - 1), { nil: null }),
        limitTotal: limit,
        limitDaily: limit,
      }),
    ),
  ),
);

type Op =
  | { kind: 'lease'; key: number; need: bigint }
  | { kind: 'capture'; lease: number; percent: bigint }
  | { kind: 'return'; lease: number }
  | { kind: 'next-day' };

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('lease' as const), key: fc.nat(7), need: fc.bigInt({ min: 0n, max: 600n }) }),
    fc.record({ kind: fc.constant('capture' as const), lease: fc.nat(40), percent: fc.bigInt({ min: 0n, max: 100n }) }),
    fc.record({ kind: fc.constant('return' as const), lease: fc.nat(40) }),
    fc.constant({ kind: 'next-day' as const }),
  ),
  { maxLength: 120 },
);

const CHUNK = 400n;

describe('key tree spend limits', () => {
  it('no interleaving of leases, captures and returns lets a subtree spend past its own or any ancestor limit', () => {
    fc.assert(
      fc.property(tree, fc.bigInt({ min: 0n, max: 20_000n }), ops, (shape, startCredits, sequence: Op[]) => {
        const keys: KeyNode[] = shape.map((k, i) => ({
          id: `k${i}`,
          parentKeyId: k.parent === null ? null : `k${k.parent}`,
          limitTotal: k.limitTotal,
          limitDaily: k.limitDaily,
          spentTotal: 0n,
          spentToday: 0n,
          leased: 0n,
        }));
        const byId = new Map(keys.map((k) => [k.id, k]));
        const leases: Array<{ key: KeyNode; amount: bigint }> = [];
        let credits = startCredits;
        for (const op of sequence) {
          if (op.kind === 'lease') {
            const key = keys[op.key % keys.length] as KeyNode;
            const headroom = treeHeadroom(keys, key.id);
            const grant = planLeaseGrant({
              needNanos: op.need,
              chunkNanos: CHUNK,
              creditsNanos: credits,
              headroomNanos: headroom,
            });
            if (grant.ok) {
              expect(grant.amount).toBeGreaterThanOrEqual(op.need);
              expect(grant.amount - op.need).toBeLessThanOrEqual(CHUNK);
              credits -= grant.amount;
              key.leased += grant.amount;
              leases.push({ key, amount: grant.amount });
            } else if (grant.reason === 'spend_limit') {
              // Refused for a limit only when one on the chain really leaves less than the request needs.
              expect(headroom).not.toBeNull();
              expect(grant.remainingNanos).toBe(headroom);
              expect(grant.remainingNanos).toBeLessThan(op.need);
            } else {
              expect(credits).toBeLessThan(op.need);
            }
          } else if (op.kind === 'capture' && leases.length) {
            const lease = leases[op.lease % leases.length] as { key: KeyNode; amount: bigint };
            const cost = (lease.amount * op.percent) / 100n;
            lease.amount -= cost;
            lease.key.leased -= cost;
            lease.key.spentTotal += cost;
            lease.key.spentToday += cost;
          } else if (op.kind === 'return' && leases.length) {
            const [lease] = leases.splice(op.lease % leases.length, 1) as [{ key: KeyNode; amount: bigint }];
            lease.key.leased -= lease.amount;
            credits += lease.amount;
          } else if (op.kind === 'next-day') {
            for (const key of keys) key.spentToday = 0n;
          }
          const sums = subtreeSpend(keys);
          for (const key of keys) {
            const spend = sums.get(key.id);
            if (!spend) throw new Error('missing subtree');
            for (const id of ancestry(byId, key.id)) {
              const cap = byId.get(id) as KeyNode;
              if (cap.limitTotal !== null) expect(spend.spentTotal + spend.leased).toBeLessThanOrEqual(cap.limitTotal);
              if (cap.limitDaily !== null) expect(spend.spentToday + spend.leased).toBeLessThanOrEqual(cap.limitDaily);
            }
          }
          expect(credits).toBeGreaterThanOrEqual(0n);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an agent limited to 20,000 with three unlimited children spends at most 20,000 in all', () => {
    const keys: KeyNode[] = [
      { id: 'root', parentKeyId: null, limitTotal: null, limitDaily: null, spentTotal: 0n, spentToday: 0n, leased: 0n },
      {
        id: 'agent',
        parentKeyId: 'root',
        limitTotal: 20_000n,
        limitDaily: null,
        spentTotal: 12_000n,
        spentToday: 0n,
        leased: 0n,
      },
      {
        id: 'c1',
        parentKeyId: 'agent',
        limitTotal: null,
        limitDaily: null,
        spentTotal: 5_000n,
        spentToday: 0n,
        leased: 0n,
      },
      {
        id: 'c2',
        parentKeyId: 'agent',
        limitTotal: null,
        limitDaily: null,
        spentTotal: 0n,
        spentToday: 0n,
        leased: 2_000n,
      },
      {
        id: 'c3',
        parentKeyId: 'agent',
        limitTotal: null,
        limitDaily: null,
        spentTotal: 0n,
        spentToday: 0n,
        leased: 0n,
      },
    ];
    expect(treeHeadroom(keys, 'c3')).toBe(1_000n);
    expect(treeHeadroom(keys, 'root')).toBeNull();
    expect(treeHeadroom(keys, 'not-a-key')).toBe(0n);
    expect(effectiveRemaining(keys).get('c1')).toEqual({ total: 1_000n, daily: null });
    expect(subtreeSpend(keys).get('agent')).toEqual({ spentTotal: 17_000n, spentToday: 0n, leased: 2_000n });
  });

  it('a lease takes the request plus at most a quarter of what is spare, capped by the chunk', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 100_000n }),
        (need, chunk, credits) => {
          const grant = planLeaseGrant({
            needNanos: need,
            chunkNanos: chunk,
            creditsNanos: credits,
            headroomNanos: null,
          });
          if (credits < need) expect(grant).toEqual({ ok: false, reason: 'insufficient_funds' });
          else {
            expect(grant.ok).toBe(true);
            const extra = (grant as { amount: bigint }).amount - need;
            expect(extra).toBeLessThanOrEqual(chunk);
            expect(extra).toBeLessThanOrEqual((credits - need) / LEASE_SPARE_SHARE);
          }
        },
      ),
    );
  });

  it('lets a key start requests with the least of the free money and what its limits leave after its own holds', () => {
    expect(spendableNow({ accountFree: 1_000n, remaining: { total: null, daily: null }, subtreeHeld: 50n })).toBe(
      1_000n,
    );
    expect(spendableNow({ accountFree: 1_000n, remaining: { total: 300n, daily: 200n }, subtreeHeld: 50n })).toBe(150n);
    expect(spendableNow({ accountFree: 100n, remaining: { total: 300n, daily: null }, subtreeHeld: 50n })).toBe(100n);
    expect(spendableNow({ accountFree: 100n, remaining: { total: 30n, daily: null }, subtreeHeld: 50n })).toBe(0n);
  });

  it('refuses a tree that loops', () => {
    const byId = new Map([
      ['a', { id: 'a', parentKeyId: 'b' }],
      ['b', { id: 'b', parentKeyId: 'a' }],
    ]);
    expect(() => ancestry(byId, 'a')).toThrow('KEY_TREE_CYCLE');
  });
});
