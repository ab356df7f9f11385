// How much a gateway may lease for one key: what the request needs plus a bounded chunk for the requests after it,
// within the account's credits and the key tree's spend limits. The chunk is at most a quarter of what is spare, so
// one key's lease never takes a shared balance (or a shared limit) away from the account's other keys.
import type { Nanos } from '../money/nanos.ts';

/** A lease takes at most 1/LEASE_SPARE_SHARE of what is spare beyond the request that asked for it. */
export const LEASE_SPARE_SHARE = 4n;

export type LeaseFacts = {
  /** the hold of the request that asked (the worst case of its cost) */
  needNanos: Nanos;
  /** the most a lease takes beyond the request (the operator's lease chunk) */
  chunkNanos: Nanos;
  /** the account's credits not yet leased */
  creditsNanos: Nanos;
  /** what the key tree's limits leave this key (key-tree-limits.ts); null: no limit */
  headroomNanos: Nanos | null;
};

export type LeaseGrant =
  | { ok: true; amount: Nanos }
  | { ok: false; reason: 'spend_limit'; remainingNanos: Nanos }
  | { ok: false; reason: 'insufficient_funds' };

export function planLeaseGrant(facts: LeaseFacts): LeaseGrant {
  const { needNanos, chunkNanos, creditsNanos, headroomNanos } = facts;
  if (headroomNanos !== null && headroomNanos < needNanos)
    return { ok: false, reason: 'spend_limit', remainingNanos: headroomNanos < 0n ? 0n : headroomNanos };
  if (creditsNanos < needNanos) return { ok: false, reason: 'insufficient_funds' };
  const ceiling = headroomNanos !== null && headroomNanos < creditsNanos ? headroomNanos : creditsNanos;
  const spareShare = (ceiling - needNanos) / LEASE_SPARE_SHARE;
  return { ok: true, amount: needNanos + (spareShare < chunkNanos ? spareShare : chunkNanos) };
}
