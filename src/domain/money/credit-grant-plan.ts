// The operator's credit grant: credits from the market's funding account, once per idempotency key.
import { ledgerAccount, transfer, type PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from './nanos.ts';

export const planCreditGrant = (accountId: string, amount: Nanos, idempotencyKey: string): PlannedTransaction =>
  transfer(`grant:${idempotencyKey}`, 'grant', ledgerAccount.funding, ledgerAccount.credits(accountId), amount);
