// Where money moves in the simulated market, through the very plans the market's stores apply: a served request is
// captured (captureTransaction: the take rate split), a failed check may convict (planRefunds: refunds and the
// slash), and an epoch's close slashes misses (planEpochClose) and releases held-back earnings (planEarningsRelease).
import { afterCheck, DEFAULT_CONVICTION_RULE } from '../verification/conviction.ts';
import { DISPUTE_RIGHTS } from '../verification/dispute-rights.ts';
import { reputationAfter, samplingRate } from '../verification/reputation.ts';
import { MIN_CHECK_POSITIONS } from '../verification/response-check.ts';
import { captureTransaction, ledgerAccount } from '../ledger/transaction.ts';
import { planRefunds } from '../money/conviction-refund-plan.ts';
import { planEpochClose } from '../money/epoch-close-plan.ts';
import { planEarningsRelease } from '../money/hold-back-release-plan.ts';
import type { Nanos } from '../money/nanos.ts';
import { addHost, bondOf, type SimHost, type SimState } from './sim-state.ts';

const CHEATERS = new Set(['substitute', 'sybil']);

/** A check of the host's pooled samples: its reputation and evidence move; enough failed evidence convicts it. */
function check(state: SimState, host: SimHost, tick: number): void {
  const { ledger, rules } = state;
  const passed = !host.pool.some((cheated) => cheated);
  host.pool = [];
  host.poolPositions = 0;
  host.reputation = reputationAfter(host.reputation, { kind: passed ? 'passed' : 'failed' });
  const evidence = afterCheck(host.evidence, passed, DEFAULT_CONVICTION_RULE);
  host.evidence = evidence.score;
  if (passed) {
    host.sinceLastPass = [];
    const griefer = host.disputedBy;
    host.disputedBy = undefined;
    const record = griefer && state.griefs.get(griefer);
    if (griefer && record && !record.revoked) {
      record.rejected += 1;
      // A griefer's disputes are all rejected: its upheld share is 0, below the rights' minimum.
      if (record.rejected >= DISPUTE_RIGHTS.minRejected) {
        record.revoked = true;
        state.detections.push({ tick, host: griefer.id, what: 'disputes_revoked', refunded: 0n, slashed: 0n });
      }
    }
  }
  if (!evidence.convicted) return;
  const plan = planRefunds(
    `cv${tick}:${host.id}`,
    host.id,
    host.sinceLastPass,
    {
      hostEarnings: ledger.balance(ledgerAccount.hostEarnings(host.id)),
      hostBond: bondOf(state, host),
      hostUnbonding: ledger.balance(ledgerAccount.hostUnbonding(host.id)),
      treasury: ledger.balance(ledgerAccount.treasury),
    },
    rules.bonds.convictionSlashBps,
  );
  plan.transactions.forEach(ledger.apply);
  state.refunded += plan.total;
  state.slashed += plan.slashed;
  host.suspended = true;
  host.sinceLastPass = [];
  state.detections.push({ tick, host: host.id, what: 'conviction', refunded: plan.total, slashed: plan.slashed });
  const left = state.reentries.get(host.group.name) ?? 0;
  if (left > 0) {
    state.reentries.set(host.group.name, left - 1);
    addHost(state, host.group);
  }
}

/** One request forwarded to the host: missed, or served, captured and perhaps sampled for a check. */
export function serve(state: SimState, host: SimHost, buyer: string, tick: number, cost: Nanos): void {
  const { random, scenario } = state;
  host.servedThisTick += 1;
  host.forwardedThisEpoch += 1;
  if (random() < host.group.missShare) {
    host.missesThisEpoch += 1;
    host.reputation = reputationAfter(host.reputation, { kind: 'missed', count: 1 });
    return;
  }
  state.requests += 1;
  const requestId = `r${state.requests}`;
  const capture = captureTransaction(requestId, buyer, host.id, cost, state.rules.split);
  state.ledger.apply(capture);
  const earned = capture?.entries.find((e) => e.account === ledgerAccount.hostEarnings(host.id))?.amount ?? 0n;
  const epoch = Math.floor(tick / scenario.epochTicks);
  host.earnedByEpoch.set(epoch, (host.earnedByEpoch.get(epoch) ?? 0n) + earned);
  const cheated =
    CHEATERS.has(host.group.strategy) || (host.group.strategy === 'selective' && random() < host.group.cheatShare);
  host.costs += cheated ? (host.group.cheatCostPerRequest ?? host.group.costPerRequest) : host.group.costPerRequest;
  host.sinceLastPass.push({ requestId, accountId: buyer, cost });
  if (random() < (host.disputedBy ? 1 : samplingRate(host.reputation))) {
    host.pool.push(cheated);
    host.poolPositions += scenario.model.positionsPerSample;
    if (host.poolPositions >= MIN_CHECK_POSITIONS) check(state, host, tick);
  }
}

/** The close of epoch `closed`: miss slashes, then the release of the epoch the hold-back frees. */
export function closeEpoch(state: SimState, closed: number, tick: number): void {
  const { ledger, rules } = state;
  const plan = planEpochClose(
    closed,
    state.hosts.map((h) => ({
      hostId: h.id,
      requests: h.forwardedThisEpoch - h.missesThisEpoch,
      misses: h.missesThisEpoch,
      bond: bondOf(state, h),
    })),
    rules.bonds,
  );
  plan.transactions.forEach(ledger.apply);
  for (const slash of plan.slashes) {
    state.slashed += slash.amount;
    state.detections.push({ tick, host: slash.hostId, what: 'miss_slash', refunded: 0n, slashed: slash.amount });
  }
  const released = closed - rules.epochs.holdBackEpochs;
  for (const host of state.hosts) {
    host.missesThisEpoch = 0;
    host.forwardedThisEpoch = 0;
    const earnings = ledger.balance(ledgerAccount.hostEarnings(host.id));
    ledger.apply(planEarningsRelease(released, host.id, host.earnedByEpoch.get(released) ?? 0n, earnings));
  }
}
