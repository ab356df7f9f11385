// The store port for reading the ledger as a whole: one account's balance, the sum of all (zero when the books
// balance) and the balances per kind of account, for the operator's dashboard and the tests' invariants.
import type { Nanos } from '../../domain/money/nanos.ts';

export type LedgerReportStore = {
  balanceOf(ledgerAccountId: string): Promise<Nanos>;
  ledgerTotals(): Promise<{ sum: Nanos; negativeAccounts: string[] }>;
  /** the sum of balances per ledger account kind */
  ledgerByKind(): Promise<
    Array<{ kind: string; asset: 'credit' | 'governance_unit'; accounts: number; balance: bigint }>
  >;
};
