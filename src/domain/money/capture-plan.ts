// Capturing a batch of finished requests: each request's capture transaction (built at settle time by
// `captureTransaction`: the buyer's holds to the host's earnings, the platform and the treasury) is billed only if its
// usage record is new — the record and the capture are written together, so an existing record means a retry — and
// the batch's spend is summed per lease (what the lease no longer holds), per key and per key and UTC day.
import type { PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from './nanos.ts';

export type CaptureFacts = {
  requestId: string;
  leaseId: string;
  keyId: string;
  /** the UTC day the request settled on */
  day: string;
  cost: Nanos;
  /** undefined when the request cost nothing */
  transaction: PlannedTransaction | undefined;
};

export type CaptureBatchPlan = {
  transactions: PlannedTransaction[];
  leaseSpend: Array<{ leaseId: string; amount: Nanos }>;
  keySpend: Array<{ keyId: string; amount: Nanos }>;
  dailySpend: Array<{ keyId: string; day: string; amount: Nanos }>;
};

/** Sums the captures' costs by a key, in the order each group first appears. */
function sumBy<T>(captures: readonly CaptureFacts[], keyOf: (c: CaptureFacts) => string, row: (c: CaptureFacts) => T) {
  const groups = new Map<string, { first: CaptureFacts; amount: Nanos }>();
  for (const c of captures) {
    const group = groups.get(keyOf(c));
    if (group) group.amount += c.cost;
    else groups.set(keyOf(c), { first: c, amount: c.cost });
  }
  return [...groups.values()].map((g) => ({ ...row(g.first), amount: g.amount }));
}

/** `recordedNow`: the request ids whose usage records this batch inserted (the others were billed before). */
export function planCaptureBatch(
  captures: readonly CaptureFacts[],
  recordedNow: ReadonlySet<string>,
): CaptureBatchPlan {
  const billed = captures.filter((c) => c.transaction && recordedNow.has(c.requestId));
  return {
    transactions: billed.map((c) => c.transaction as PlannedTransaction),
    leaseSpend: sumBy(
      billed,
      (c) => c.leaseId,
      (c) => ({ leaseId: c.leaseId }),
    ),
    keySpend: sumBy(
      billed,
      (c) => c.keyId,
      (c) => ({ keyId: c.keyId }),
    ),
    dailySpend: sumBy(
      billed,
      (c) => `${c.keyId}/${c.day}`,
      (c) => ({ keyId: c.keyId, day: c.day }),
    ),
  };
}
