// A proposal as governance reads it at an epoch: its state (derived, never stored), its tally, the power checkpointed
// at its snapshot and whether quorum is reached.
import {
  proposalState,
  quorumReached,
  tallyVotes,
  type ProposalState,
  type Tally,
} from '../../domain/governance/proposal-state.ts';
import type { GovernanceStore, ProposalRecord, VoteRecord } from './governance-store.ts';

export type ProposalReading = {
  proposal: ProposalRecord;
  state: ProposalState;
  tally: Tally;
  votes: VoteRecord[];
  /** the power checkpointed at the snapshot (the voting start's epoch boundary): quorum's base */
  activePower: bigint;
  quorumReached: boolean;
};

export async function readProposal(
  store: GovernanceStore,
  proposal: ProposalRecord,
  epoch: number,
): Promise<ProposalReading> {
  const votes = await store.votes(proposal.id);
  const tally = tallyVotes(votes);
  const activePower = (await store.checkpointTotal(proposal.votingStartsEpoch)) ?? 0n;
  return {
    proposal,
    state: proposalState(proposal, tally, activePower, epoch),
    tally,
    votes,
    activePower,
    quorumReached: quorumReached(tally, activePower, proposal.quorumBps),
  };
}
