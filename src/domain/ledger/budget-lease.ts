// A gateway instance spends against a lease: a slice of an account's credits (bounded by the key's spend limits)
// that the database already moved into the account's holds. Holds are placed against the lease in memory, so the
// request path never waits for the database; the lease can never be overdrawn.
import type { Nanos } from '../money/nanos.ts';

export type Lease = {
  id: string;
  /** leased and not yet held or captured */
  available: Nanos;
  /** held by requests in flight */
  held: Nanos;
  expiresAtMs: number;
};

/** A lease is used only while it has this much life left, so a slow request cannot outlive it. */
export const LEASE_SAFETY_MARGIN_MS = 10_000;

export function canHold(lease: Lease, amount: Nanos, nowMs: number): boolean {
  return lease.available >= amount && lease.expiresAtMs - nowMs > LEASE_SAFETY_MARGIN_MS;
}

export function placeHold(lease: Lease, amount: Nanos): Lease {
  if (amount < 0n || lease.available < amount) throw new Error('LEASE_OVERDRAWN');
  return { ...lease, available: lease.available - amount, held: lease.held + amount };
}

/** Ends a hold: the cost is consumed, the rest goes back to the lease. */
export function settleHold(lease: Lease, amount: Nanos, cost: Nanos): Lease {
  if (cost < 0n || cost > amount || lease.held < amount) throw new Error('LEASE_SETTLE_INVALID');
  return { ...lease, available: lease.available + (amount - cost), held: lease.held - amount };
}

/** What requests in flight hold across these leases. */
export const heldIn = (leases: Iterable<Lease>): Nanos => {
  let held = 0n;
  for (const lease of leases) held += lease.held;
  return held;
};
