// Tallies and the proposal lifecycle: a tally is the sum of each voter's one counted vote in any order; quorum counts
// For + Abstain against the snapshot's power; a proposal passes only with quorum and For above Against; its state
// follows the epochs (pending, active, then defeated or succeeded, queued, expired) and recorded facts win.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tallyWithDelegation } from './delegated-tally.ts';
import {
  dueStep,
  passes,
  proposalState,
  quorumReached,
  VOTE_SUPPORTS,
  type ProposalFacts,
  type VoteSupport,
} from './proposal-state.ts';

const vote = fc.record({ support: fc.constantFrom(...VOTE_SUPPORTS), power: fc.bigInt({ min: 1n, max: 10n ** 12n }) });
/** Votes of distinct voters, each holding its power at the snapshot and delegating nothing. */
const tallyVotes = (votes: ReadonlyArray<{ support: VoteSupport; power: bigint }>) =>
  tallyWithDelegation(
    votes.map((v, i) => ({ voterAccountId: `v${i}`, support: v.support })),
    votes.map((v, i) => ({ accountId: `v${i}`, units: v.power, delegateAccountId: null })),
  );

const facts: ProposalFacts = {
  votingStartsEpoch: 2,
  votingEndsEpoch: 5,
  quorumBps: 400,
  executableEpoch: undefined,
  executedEpoch: undefined,
  canceledEpoch: undefined,
};

describe('proposal tallies and states', () => {
  it('tallies the same whatever the order of the votes, and adds every power once', () => {
    fc.assert(
      fc.property(fc.array(vote, { maxLength: 30 }), (votes) => {
        const tally = tallyVotes(votes);
        expect(tallyVotes([...votes].reverse())).toEqual(tally);
        expect(tally.for + tally.against + tally.abstain).toBe(votes.reduce((s, v) => s + v.power, 0n));
      }),
    );
  });

  it('passes exactly when quorum is reached and For is above Against', () => {
    fc.assert(
      fc.property(
        fc.array(vote, { maxLength: 20 }),
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        fc.integer({ min: 1, max: 10_000 }),
        (votes, active, quorumBps) => {
          const tally = tallyVotes(votes);
          const reached = active > 0n && (tally.for + tally.abstain) * 10_000n >= active * BigInt(quorumBps);
          expect(quorumReached(tally, active, quorumBps)).toBe(reached);
          expect(passes(tally, active, quorumBps)).toBe(reached && tally.for > tally.against);
        },
      ),
    );
  });

  it('moves from pending to active to succeeded, queued and expired with the epochs', () => {
    const won = { for: 100n, against: 10n, abstain: 0n };
    expect(proposalState(facts, won, 1_000n, 1)).toBe('pending');
    expect(proposalState(facts, won, 1_000n, 4)).toBe('active');
    expect(proposalState(facts, won, 1_000n, 5)).toBe('succeeded');
    expect(dueStep('succeeded', facts, 5)).toBe('queue');
    const queued = { ...facts, executableEpoch: 7 };
    expect(proposalState(queued, won, 1_000n, 6)).toBe('queued');
    expect(dueStep('queued', queued, 6)).toBeUndefined();
    expect(dueStep('queued', queued, 7)).toBe('execute');
    expect(proposalState(queued, won, 1_000n, 7 + 15)).toBe('expired');
    expect(proposalState({ ...queued, executedEpoch: 7 }, won, 1_000n, 30)).toBe('executed');
    expect(proposalState({ ...facts, canceledEpoch: 3 }, won, 1_000n, 4)).toBe('canceled');
  });

  it('defeats a proposal below quorum, or with Against at least For', () => {
    expect(proposalState(facts, { for: 39n, against: 0n, abstain: 0n }, 1_000n, 5)).toBe('defeated');
    expect(proposalState(facts, { for: 30n, against: 0n, abstain: 10n }, 1_000n, 5)).toBe('succeeded');
    expect(proposalState(facts, { for: 50n, against: 50n, abstain: 0n }, 1_000n, 5)).toBe('defeated');
  });
});
