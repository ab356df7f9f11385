// Settlement, run by every gateway instance on a timer (the store's row locks make one of them do each step):
// close every epoch that has ended (report, miss slashes, next epoch), release the earnings of epochs past the
// hold-back to hosts' payable balances, and pay back unbonded bonds whose period is over. Every step is its own
// idempotent transaction, so a crash anywhere leaves work the next run finishes, never money moved twice.
import type { BondRules } from '../../domain/economics/bonds.ts';
import { releasableThrough, type EpochRules } from '../../domain/economics/epochs.ts';
import type { Clock } from '../ports.ts';
import type { EpochRow, EpochStore } from './economics-store.ts';

export type SettlementRules = { epochs: EpochRules; bonds: BondRules };
export type SettlementDeps = { store: EpochStore; clock: Clock };
export type SettlementRun = { closed: EpochRow[]; released: number[]; unbondingsReleased: number };

export async function settleEpochs(deps: SettlementDeps, rules: SettlementRules): Promise<SettlementRun> {
  const nowMs = deps.clock.nowMs();
  await deps.store.ensureFirstEpoch(nowMs, rules.epochs.lengthMs);
  const closed: EpochRow[] = [];
  for (;;) {
    const epoch = await deps.store.closeNextEpoch(
      nowMs - rules.epochs.closeGraceMs,
      rules.epochs.lengthMs,
      rules.bonds,
    );
    if (!epoch) break;
    closed.push(epoch);
  }
  const latest = await deps.store.latestClosedEpoch();
  if (latest === undefined) return { closed, released: [], unbondingsReleased: 0 };
  const through = releasableThrough(latest, rules.epochs);
  const released: number[] = [];
  for (const epoch of through === undefined ? [] : await deps.store.unreleasedEpochs(through)) {
    for (const host of epoch.report?.hosts ?? [])
      if (host.earned > 0n) await deps.store.releaseHostEarnings(epoch.number, host.hostId, host.earned);
    await deps.store.markReleased(epoch.number);
    released.push(epoch.number);
  }
  return { closed, released, unbondingsReleased: await deps.store.releaseUnbondings(latest) };
}
