// Closing an epoch moves one kind of money: the miss slash. A host that failed more than the threshold of the
// requests forwarded to it (outside maintenance windows) loses a share of its bond to the treasury. What the epoch's
// captures gave hosts, the platform and the treasury (the take rate) moved at capture time; the epoch's report reads
// those figures back from the ledger, and hold-back-release-plan.ts releases the earnings later.
import { missesAboveThreshold, slashOf, type BondRules } from '../economics/bonds.ts';
import { ledgerAccount, transfer, type PlannedTransaction } from '../ledger/transaction.ts';
import type { Nanos } from './nanos.ts';
import type { SlashRecord } from './slash-record.ts';

/** A host's epoch: requests it served, requests it missed, and its bond now (locked). */
export type EpochHostFacts = { hostId: string; requests: number; misses: number; bond: Nanos };

export type EpochClosePlan = { transactions: PlannedTransaction[]; slashes: SlashRecord[] };

export function planEpochClose(epoch: number, hosts: readonly EpochHostFacts[], rules: BondRules): EpochClosePlan {
  const plan: EpochClosePlan = { transactions: [], slashes: [] };
  for (const host of hosts) {
    const forwarded = host.requests + host.misses;
    const slash = missesAboveThreshold(host.misses, forwarded, rules) ? slashOf(host.bond, rules.missSlashBps) : 0n;
    if (slash <= 0n) continue;
    plan.transactions.push(
      transfer(
        `slash:misses:${epoch}:${host.hostId}`,
        'slash',
        ledgerAccount.hostBond(host.hostId),
        ledgerAccount.treasury,
        slash,
      ),
    );
    plan.slashes.push({
      id: `slash-misses-${epoch}-${host.hostId}`,
      hostId: host.hostId,
      reason: 'misses',
      cause: `epoch ${epoch}`,
      amount: slash,
    });
  }
  return plan;
}

/** What the plan slashed of one host (0 when nothing). */
export const slashedOf = (plan: EpochClosePlan, hostId: string): Nanos =>
  plan.slashes.find((s) => s.hostId === hostId)?.amount ?? 0n;
