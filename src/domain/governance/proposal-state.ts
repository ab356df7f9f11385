// A proposal's lifecycle, derived (as OpenZeppelin Governor's `state()`) from recorded facts and the epoch, never
// stored as a mutable status: Pending → Active → Defeated | Succeeded → Queued (timelock) → Executed, plus Canceled
// and Expired (a queued proposal not executed within the grace period). Counted in epochs, so accelerated time runs
// it the same way. Quorum counts For + Abstain against the power checkpointed at the snapshot; it passes when
// For > Against.
import { BASIS_POINTS } from '../money/nanos.ts';

export type VoteSupport = 'for' | 'against' | 'abstain';
export const VOTE_SUPPORTS: readonly VoteSupport[] = ['for', 'against', 'abstain'];
export type Tally = Record<VoteSupport, bigint>;

export type ProposalState =
  'pending' | 'active' | 'defeated' | 'succeeded' | 'queued' | 'executed' | 'canceled' | 'expired';

/** A queued proposal that could not execute for this many epochs after its timelock expires. */
export const EXECUTION_GRACE_EPOCHS = 14;

export type ProposalFacts = {
  /** the vote is open in epochs [votingStartsEpoch, votingEndsEpoch); power is the checkpoint of votingStartsEpoch */
  votingStartsEpoch: number;
  votingEndsEpoch: number;
  quorumBps: number;
  executableEpoch: number | undefined;
  executedEpoch: number | undefined;
  canceledEpoch: number | undefined;
};

export const quorumReached = (tally: Tally, activePower: bigint, quorumBps: number): boolean =>
  activePower > 0n && (tally.for + tally.abstain) * BASIS_POINTS >= activePower * BigInt(quorumBps);

export const passes = (tally: Tally, activePower: bigint, quorumBps: number): boolean =>
  quorumReached(tally, activePower, quorumBps) && tally.for > tally.against;

export function proposalState(p: ProposalFacts, tally: Tally, activePower: bigint, epoch: number): ProposalState {
  if (p.canceledEpoch !== undefined) return 'canceled';
  if (p.executedEpoch !== undefined) return 'executed';
  if (epoch < p.votingStartsEpoch) return 'pending';
  if (epoch < p.votingEndsEpoch) return 'active';
  if (!passes(tally, activePower, p.quorumBps)) return 'defeated';
  if (p.executableEpoch === undefined) return 'succeeded';
  return epoch > p.executableEpoch + EXECUTION_GRACE_EPOCHS ? 'expired' : 'queued';
}

/** What the epoch boundary does to a proposal in this state: queue it, execute it once its timelock has passed. */
export function dueStep(state: ProposalState, p: ProposalFacts, epoch: number): 'queue' | 'execute' | undefined {
  if (state === 'succeeded') return 'queue';
  if (state === 'queued' && p.executableEpoch !== undefined && epoch >= p.executableEpoch) return 'execute';
  return undefined;
}

/** States in which a proposal still counts as its proposer's live proposal (one at a time). */
export const isLive = (state: ProposalState): boolean =>
  state === 'pending' || state === 'active' || state === 'succeeded' || state === 'queued';
