// Capturing one request: what it is billed for (its counted usage by class, the prompt once and every choice's
// completion, each cut to what was held for), its cost (the sum over classes of tokens × the locked price) and the
// capture transaction that moves that cost from the buyer's holds to the host, the platform and the treasury. A request no host served is billed nothing.
import { billedUsage, costOf, type CountedUsage, type LockedPrice, type UsageClasses } from '../ledger/request-cost.ts';
import { captureTransaction, type PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos, RevenueSplit } from './nanos.ts';

export type RequestCaptureFacts = {
  requestId: string;
  buyerAccountId: string;
  /** null: no host served it */
  hostId: string | null;
  price: LockedPrice;
  /** the market's own counts (cached tokens: the prefix it attributes to this host's cache) */
  counted: CountedUsage;
  /** per choice */
  maxCompletionTokens: number;
  /** the choices asked for (n): what was held for */
  choiceCount: number;
  split: RevenueSplit;
};

export type RequestCapture = { usage: UsageClasses; cost: Nanos; transaction: PlannedTransaction | undefined };

const NOTHING: UsageClasses = { promptTokens: 0, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0 };

export function planRequestCapture(facts: RequestCaptureFacts): RequestCapture {
  if (facts.hostId === null) return { usage: NOTHING, cost: 0n, transaction: undefined };
  const usage = billedUsage(facts.counted, facts.maxCompletionTokens, facts.choiceCount);
  const cost = costOf(facts.price, usage);
  return {
    usage,
    cost,
    transaction: captureTransaction(facts.requestId, facts.buyerAccountId, facts.hostId, cost, facts.split),
  };
}
