// Bonds: a host posts a bond from its payable balance (a top-up can also post one: top-up-plan.ts), and asks for it
// back through unbonding, where it stays reachable by convictions until its release epoch closes
// (hold-back-release-plan.ts pays it out then). Both move only what the host's account covers.
import { ledgerAccount, type PlannedTransaction } from '../ledger/transaction.ts';
import { coveredTransfer } from './covered-transfer.ts';
import type { Nanos } from './nanos.ts';

/** Payable to bond; undefined when the payable balance is short. */
export function planBondPost(
  bondId: string,
  hostId: string,
  amount: Nanos,
  payableBalance: Nanos,
): PlannedTransaction | undefined {
  return coveredTransfer(
    {
      idempotencyKey: `bond:${bondId}`,
      kind: 'bond',
      from: ledgerAccount.hostPayable(hostId),
      to: ledgerAccount.hostBond(hostId),
    },
    amount,
    payableBalance,
  );
}

/** Bond to unbonding; undefined when the bond is short. */
export function planUnbonding(
  unbondingId: string,
  hostId: string,
  amount: Nanos,
  bondBalance: Nanos,
): PlannedTransaction | undefined {
  return coveredTransfer(
    {
      idempotencyKey: `unbonding:${unbondingId}`,
      kind: 'unbonding',
      from: ledgerAccount.hostBond(hostId),
      to: ledgerAccount.hostUnbonding(hostId),
    },
    amount,
    bondBalance,
  );
}
