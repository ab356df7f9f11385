// What settlement releases once the hold-back has passed: a host's earnings of an old enough epoch become payable,
// and a bond whose unbonding period is over becomes payable. Each moves at most what its account still holds (a
// conviction may have clawed some back), once: the idempotency keys name the epoch and host, or the unbonding.
import { releaseAmount } from '../economics/epochs.ts';
import { ledgerAccount, transfer, type PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from './nanos.ts';

/** Undefined when nothing is left to release. */
export function planEarningsRelease(
  epoch: number,
  hostId: string,
  earnedInEpoch: Nanos,
  earningsBalance: Nanos,
): PlannedTransaction | undefined {
  const amount = releaseAmount(earnedInEpoch, earningsBalance);
  if (amount <= 0n) return undefined;
  return transfer(
    `release:${epoch}:${hostId}`,
    'release',
    ledgerAccount.hostEarnings(hostId),
    ledgerAccount.hostPayable(hostId),
    amount,
  );
}

/** Undefined when a conviction took all of the bond being unbonded. */
export function planUnbondingRelease(
  unbonding: { id: string; hostId: string; amount: Nanos },
  unbondingBalance: Nanos,
): PlannedTransaction | undefined {
  const amount = releaseAmount(unbonding.amount, unbondingBalance);
  if (amount <= 0n) return undefined;
  return transfer(
    `unbonded:${unbonding.id}`,
    'unbond',
    ledgerAccount.hostUnbonding(unbonding.hostId),
    ledgerAccount.hostPayable(unbonding.hostId),
    amount,
  );
}
