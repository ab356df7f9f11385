// Ledger transactions as data: balanced by construction (every builder's entries sum to zero) and identified by
// an idempotency key, so a retried operation is recognised and never applied twice. The ledger writer takes only a
// `PlannedTransaction`: its brand is a symbol this file does not export, so the only way to get one is through
// `plannedTransaction` below — called by the money plans (src/domain/money/) and the builders here, never by a store.
import { splitCost, type Nanos, type RevenueSplit } from '../money/nanos.ts';

export type LedgerEntry = { account: string; amount: Nanos };
export type LedgerTransaction = { idempotencyKey: string; kind: string; entries: LedgerEntry[] };

declare const plannedBrand: unique symbol;
/** A balanced transaction a domain rule decided on; the one shape the ledger writer accepts. */
export type PlannedTransaction = Readonly<LedgerTransaction> & { readonly [plannedBrand]: true };

export class LedgerRuleError extends Error {
  constructor(
    readonly code: 'LEDGER_UNBALANCED' | 'LEDGER_NON_POSITIVE_AMOUNT',
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export const ledgerAccount = {
  credits: (accountId: string) => `${accountId}:credits`,
  holds: (accountId: string) => `${accountId}:holds`,
  hostEarnings: (hostId: string) => `host:${hostId}:earnings`,
  /** earnings past their hold-back: the host may ask for them to be paid out */
  hostPayable: (hostId: string) => `host:${hostId}:payable`,
  hostBond: (hostId: string) => `host:${hostId}:bond`,
  /** a bond the host asked back, still reachable by convictions until its unbonding period ends */
  hostUnbonding: (hostId: string) => `host:${hostId}:unbonding`,
  /** payouts asked for and not yet confirmed by the payout provider */
  hostPayout: (hostId: string) => `host:${hostId}:payout`,
  /** money that left the market to hosts' bank accounts */
  paidOut: 'market:paid_out',
  funding: 'market:funding',
  platformFees: 'market:platform_fees',
  treasury: 'market:treasury',
  /** governance units (an asset of their own, never credits): an account's, the treasury's, and their issuance */
  governanceUnits: (accountId: string) => `${accountId}:gov_units`,
  governanceTreasury: 'market:gov_treasury',
  governanceSupply: 'market:gov_supply',
} as const;

/**
 * Brands a transaction as planned once it balances and has no zero entry. Only src/domain may call it (eslint's
 * no-restricted-imports keeps src/app and src/adapters from importing it).
 */
export function plannedTransaction(tx: LedgerTransaction): PlannedTransaction {
  const sum = tx.entries.reduce((total, e) => total + e.amount, 0n);
  if (sum !== 0n) throw new LedgerRuleError('LEDGER_UNBALANCED', `${tx.idempotencyKey} sums to ${sum}`);
  if (tx.entries.some((e) => e.amount === 0n))
    throw new LedgerRuleError('LEDGER_NON_POSITIVE_AMOUNT', `${tx.idempotencyKey} has a zero entry`);
  return tx as PlannedTransaction;
}

export function transfer(
  idempotencyKey: string,
  kind: string,
  from: string,
  to: string,
  amount: Nanos,
): PlannedTransaction {
  if (amount <= 0n) throw new LedgerRuleError('LEDGER_NON_POSITIVE_AMOUNT', `${idempotencyKey}: ${amount}`);
  return plannedTransaction({
    idempotencyKey,
    kind,
    entries: [
      { account: from, amount: -amount },
      { account: to, amount },
    ],
  });
}

/** Capture of one request's cost from the buyer's holds: the host's earnings and the market's take. */
export function captureTransaction(
  requestId: string,
  buyerAccountId: string,
  hostId: string,
  cost: Nanos,
  split: RevenueSplit,
): PlannedTransaction | undefined {
  if (cost === 0n) return undefined;
  const { host, platform, treasury } = splitCost(cost, split);
  const entries: LedgerEntry[] = [{ account: ledgerAccount.holds(buyerAccountId), amount: -cost }];
  if (host > 0n) entries.push({ account: ledgerAccount.hostEarnings(hostId), amount: host });
  if (platform > 0n) entries.push({ account: ledgerAccount.platformFees, amount: platform });
  if (treasury > 0n) entries.push({ account: ledgerAccount.treasury, amount: treasury });
  return plannedTransaction({ idempotencyKey: `capture:${requestId}`, kind: 'capture', entries });
}
