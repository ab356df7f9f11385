// A proposal as governance reads it at an epoch: its state (derived, never stored), its tally under delegation, each
// vote's power and where it came from, the power checkpointed at its snapshot and whether quorum is reached.
import { powerOf, tallyWithDelegation, type PowerSource } from '../../domain/governance/delegated-tally.ts';
import {
  proposalState,
  quorumReached,
  type ProposalState,
  type Tally,
} from '../../domain/governance/proposal-state.ts';
import type { GovernanceStore, ProposalRecord, VoteRecord } from './governance-store.ts';

export type CountedVote = VoteRecord & { sources: PowerSource[] };

export type ProposalReading = {
  proposal: ProposalRecord;
  state: ProposalState;
  tally: Tally;
  /** each voter's latest vote with the power it counts for now (a delegator's own vote takes its units back) */
  votes: CountedVote[];
  /** the power checkpointed at the snapshot (the voting start's epoch boundary): quorum's base */
  activePower: bigint;
  quorumReached: boolean;
};

export async function readProposal(
  store: GovernanceStore,
  proposal: ProposalRecord,
  epoch: number,
): Promise<ProposalReading> {
  const holdings = await store.holdings(proposal.votingStartsEpoch);
  const recorded = await store.votes(proposal.id);
  const voted = new Set(recorded.map((v) => v.voterAccountId));
  const votes = recorded.map((v) => {
    const { power, sources } = powerOf(v.voterAccountId, holdings, voted);
    return { ...v, power, sources };
  });
  const tally = tallyWithDelegation(recorded, holdings);
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
