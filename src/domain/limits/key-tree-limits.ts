// A key's spend limits cap its whole subtree: what the key and all its descendants captured and have leased, together,
// never exceeds the limit (total, and per UTC day) of the key or of any of its ancestors. Pure: the store loads the
// account's keys under the lock that serializes the account's leases, and grants a lease only within `treeHeadroom`.
import type { Nanos } from '../money/nanos.ts';

/** One key's own figures: limits, what it captured (ever and this UTC day) and what gateways hold leased for it. */
export type KeyNode = {
  id: string;
  parentKeyId: string | null;
  limitTotal: Nanos | null;
  limitDaily: Nanos | null;
  spentTotal: Nanos;
  spentToday: Nanos;
  leased: Nanos;
};

/** The same figures summed over a key and all its descendants. */
export type SubtreeSpend = { spentTotal: Nanos; spentToday: Nanos; leased: Nanos };

/** What is left for a subtree under one key's own limits; null where the key has no such limit. Never negative. */
export type Remaining = { total: Nanos | null; daily: Nanos | null };

const ZERO: SubtreeSpend = { spentTotal: 0n, spentToday: 0n, leased: 0n };
const atLeastZero = (n: Nanos): Nanos => (n < 0n ? 0n : n);
const least = (a: Nanos | null, b: Nanos | null): Nanos | null => (a === null ? b : b === null || a < b ? a : b);

/** Sums every key's figures over its subtree (the key itself and all its descendants). */
export function subtreeSpend(keys: readonly KeyNode[]): Map<string, SubtreeSpend> {
  const byId = new Map(keys.map((k) => [k.id, k]));
  const sums = new Map<string, SubtreeSpend>(keys.map((k) => [k.id, ZERO]));
  for (const key of keys) {
    // A key's own figures count in its own subtree and in each ancestor's.
    for (const id of ancestry(byId, key.id)) {
      const sum = sums.get(id) ?? ZERO;
      sums.set(id, {
        spentTotal: sum.spentTotal + key.spentTotal,
        spentToday: sum.spentToday + key.spentToday,
        leased: sum.leased + key.leased,
      });
    }
  }
  return sums;
}

/** The key, its parent, ... up to its root. Throws on a cycle (the database cannot hold one). */
export function ancestry(byId: ReadonlyMap<string, Pick<KeyNode, 'id' | 'parentKeyId'>>, keyId: string): string[] {
  const chain: string[] = [];
  for (let id: string | null = keyId; id !== null; id = byId.get(id)?.parentKeyId ?? null) {
    if (chain.includes(id)) throw new Error('KEY_TREE_CYCLE');
    if (!byId.has(id)) break;
    chain.push(id);
  }
  return chain;
}

/** What is left under one key's own limits for its subtree (leases count as spent: they may be). */
export function remainingOf(key: Pick<KeyNode, 'limitTotal' | 'limitDaily'>, spend: SubtreeSpend): Remaining {
  return {
    total: key.limitTotal === null ? null : atLeastZero(key.limitTotal - spend.spentTotal - spend.leased),
    daily: key.limitDaily === null ? null : atLeastZero(key.limitDaily - spend.spentToday - spend.leased),
  };
}

/** Each key's remaining limits, the least of its own and every ancestor's: what the key may still spend. */
export function effectiveRemaining(keys: readonly KeyNode[]): Map<string, Remaining> {
  const byId = new Map(keys.map((k) => [k.id, k]));
  const sums = subtreeSpend(keys);
  const own = new Map(keys.map((k) => [k.id, remainingOf(k, sums.get(k.id) ?? ZERO)]));
  return new Map(
    keys.map((key) => {
      const chain = ancestry(byId, key.id).map((id) => own.get(id) as Remaining);
      return [
        key.id,
        {
          total: chain.reduce<Nanos | null>((m, r) => least(m, r.total), null),
          daily: chain.reduce<Nanos | null>((m, r) => least(m, r.daily), null),
        },
      ];
    }),
  );
}

/** What the key may still commit (lease) now: the least left under any limit on its chain; null: no limit at all. */
export function treeHeadroom(keys: readonly KeyNode[], keyId: string): Nanos | null {
  const remaining = effectiveRemaining(keys).get(keyId);
  return remaining === undefined ? 0n : least(remaining.total, remaining.daily);
}

/**
 * What a key may still start requests with: the account's money not held by requests in flight, capped by what its
 * limits leave (`remaining`, spent only) less what its own subtree holds in flight. Never negative.
 */
export function spendableNow(facts: { accountFree: Nanos; remaining: Remaining; subtreeHeld: Nanos }): Nanos {
  const limitLeft = least(facts.remaining.total, facts.remaining.daily);
  const spendable =
    limitLeft === null || facts.accountFree < limitLeft - facts.subtreeHeld
      ? facts.accountFree
      : limitLeft - facts.subtreeHeld;
  return atLeastZero(spendable);
}
