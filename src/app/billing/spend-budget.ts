// Per-key spending on one gateway instance: holds are placed against leases (see domain/ledger/budget-lease.ts),
// new leases are taken from the database only when the current ones run short, one acquisition per key at a time.
// The database stays the authority: it grants a lease only within the account's credits and the limits of the key
// and its ancestors (domain/limits/key-tree-limits.ts), sized by domain/ledger/lease-grant.ts. A request refused
// while this instance holds unused lease money of the same account first gives that money back and tries again.
import { canHold, heldIn, placeHold, settleHold, type Lease } from '../../domain/ledger/budget-lease.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import type { BillingBatcher, Durability } from './billing-batcher.ts';
import type { BillingOperation, Clock, Ids, LeaseStore } from '../ports.ts';

/** `remainingNanos`: what the spend limits of the key and its ancestors still leave it */
export type HoldRefusal =
  | { ok: false; reason: 'spend_limit'; remainingNanos: Nanos }
  | { ok: false; reason: 'insufficient_funds' | 'key_inactive' };
export type Hold = { leaseId: string; keyId: string; amount: Nanos };
export type HoldOutcome = { ok: true; hold: Hold } | HoldRefusal;

/** How often one request may give back its account's unused lease money and try again before it is refused. */
const RECLAIM_ATTEMPTS = 2;

export type SpendBudget = {
  hold(key: { id: string; accountId: string }, amount: Nanos): Promise<HoldOutcome>;
  /** ends a hold at its final cost and queues the capture (built by the caller); resolves once it is durable or abandoned */
  settle(
    hold: Hold,
    cost: Nanos,
    capture: Extract<BillingOperation, { type: 'capture' }> | undefined,
  ): Promise<Durability>;
  /** renews leases in use and returns idle ones */
  maintain(): Promise<void>;
  /** returns every lease (on shutdown, after in-flight requests ended) */
  releaseAll(): void;
  /** what requests of these keys hold in flight on this instance (leased money no request holds is not counted) */
  heldBy(keyIds: ReadonlySet<string>): Nanos;
};

export function createSpendBudget(
  deps: { leases: LeaseStore; batcher: BillingBatcher; clock: Clock; ids: Ids },
  options: { instanceId: string; leaseChunkNanos: Nanos; leaseTtlMs: number },
): SpendBudget {
  const byKey = new Map<string, Lease[]>();
  const leaseKey = new Map<string, string>();
  const keyAccount = new Map<string, string>();
  const acquiring = new Map<string, Promise<unknown>>();

  const findLease = (keyId: string, amount: Nanos): Lease | undefined =>
    byKey.get(keyId)?.find((l) => canHold(l, amount, deps.clock.nowMs()));

  const store = (keyId: string, lease: Lease): void => {
    const leases = byKey.get(keyId) ?? [];
    const at = leases.findIndex((l) => l.id === lease.id);
    if (at >= 0) leases[at] = lease;
    else leases.push(lease);
    byKey.set(keyId, leases);
    leaseKey.set(lease.id, keyId);
  };

  const reserve = (keyId: string, lease: Lease, amount: Nanos): HoldOutcome => {
    store(keyId, placeHold(lease, amount));
    return { ok: true, hold: { leaseId: lease.id, keyId, amount } };
  };

  const returnLease = (keyId: string, lease: Lease): void => {
    byKey.set(
      keyId,
      (byKey.get(keyId) ?? []).filter((l) => l.id !== lease.id),
    );
    leaseKey.delete(lease.id);
    // Not awaited: an abandoned return leaves the lease to expire, and any instance then returns it.
    void deps.batcher.enqueue({ type: 'return-lease', leaseId: lease.id });
  };

  /**
   * Gives back what this instance leased for the account's keys and no request holds: idle leases whole, busy ones
   * down to what their requests hold. True when anything went back (then the database has it).
   */
  const reclaimUnusedOf = async (accountId: string): Promise<boolean> => {
    let reclaimed = false;
    for (const [keyId, leases] of byKey) {
      if (keyAccount.get(keyId) !== accountId) continue;
      for (const lease of leases) {
        if (lease.held === 0n) returnLease(keyId, lease);
        else if (lease.available > 0n) {
          deps.batcher.enqueue({
            type: 'shrink-lease',
            id: deps.ids.newId('shrink'),
            leaseId: lease.id,
            amount: lease.available,
          });
          store(keyId, { ...lease, available: 0n });
        } else continue;
        reclaimed = true;
      }
    }
    if (reclaimed) await deps.batcher.flush();
    return reclaimed;
  };

  const acquire = async (
    key: { id: string; accountId: string },
    amount: Nanos,
    attemptsLeft = RECLAIM_ATTEMPTS,
  ): Promise<HoldOutcome> => {
    const existing = findLease(key.id, amount);
    if (existing) return reserve(key.id, existing, amount);
    keyAccount.set(key.id, key.accountId);
    const now = deps.clock.nowMs();
    const leaseId = deps.ids.newId('lease');
    const outcome = await deps.leases.acquire({
      leaseId,
      keyId: key.id,
      accountId: key.accountId,
      instanceId: options.instanceId,
      needNanos: amount,
      chunkNanos: options.leaseChunkNanos,
      expiresAtMs: now + options.leaseTtlMs,
      nowMs: now,
    });
    if (!outcome.ok) {
      const retry = outcome.reason !== 'key_inactive' && attemptsLeft > 0 && (await reclaimUnusedOf(key.accountId));
      return retry ? acquire(key, amount, attemptsLeft - 1) : outcome;
    }
    return reserve(
      key.id,
      { id: leaseId, available: outcome.amount, held: 0n, expiresAtMs: now + options.leaseTtlMs },
      amount,
    );
  };

  return {
    async hold(key, amount) {
      const ready = findLease(key.id, amount);
      if (ready) return reserve(key.id, ready, amount);
      // One acquisition per key at a time: concurrent requests wait and then spend from the fresh lease.
      const previous = acquiring.get(key.id) ?? Promise.resolve();
      const attempt = previous.then(() => acquire(key, amount));
      acquiring.set(
        key.id,
        attempt.catch(() => undefined),
      );
      return attempt;
    },
    settle(hold, cost, capture) {
      const lease = byKey.get(hold.keyId)?.find((l) => l.id === hold.leaseId);
      if (!lease) throw new Error('SPEND_BUDGET_UNKNOWN_LEASE');
      store(hold.keyId, settleHold(lease, hold.amount, cost));
      return capture ? deps.batcher.enqueue(capture) : Promise.resolve('durable');
    },
    async maintain() {
      const now = deps.clock.nowMs();
      const renew: string[] = [];
      for (const [keyId, leases] of byKey) {
        for (const lease of leases) {
          if (lease.held > 0n) renew.push(lease.id);
          else returnLease(keyId, lease);
        }
      }
      if (renew.length) {
        await deps.leases.renew(renew, now + options.leaseTtlMs);
        for (const id of renew) {
          const keyId = leaseKey.get(id) as string;
          const lease = byKey.get(keyId)?.find((l) => l.id === id);
          if (lease) store(keyId, { ...lease, expiresAtMs: now + options.leaseTtlMs });
        }
      }
    },
    releaseAll() {
      for (const [keyId, leases] of byKey) for (const lease of leases) returnLease(keyId, lease);
    },
    heldBy(keyIds) {
      return heldIn([...keyIds].flatMap((keyId) => [...(byKey.get(keyId) ?? [])]));
    },
  };
}
