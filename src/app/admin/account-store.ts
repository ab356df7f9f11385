// The store port for buyer accounts: opening one (with its credits and holds ledger accounts), the operator's credit
// grants (planCreditGrant) and an account's balances.
import type { Nanos } from '../../domain/money/nanos.ts';

export type AccountStore = {
  createAccount(id: string, name: string): Promise<void>;
  accountExists(id: string): Promise<boolean>;
  listAccounts(): Promise<Array<{ id: string; name: string; credits: Nanos; holds: Nanos }>>;
  /** false when this idempotency key was already used (nothing granted twice) */
  grantCredits(accountId: string, amount: Nanos, idempotencyKey: string): Promise<boolean>;
  balances(accountId: string): Promise<{ credits: Nanos; holds: Nanos }>;
};
