// Tallies with delegation (Compound's delegation with a Cosmos-style override): at the snapshot each holder's units
// count either for itself or for the account it had delegated to. A delegate votes with its own units plus those of
// its delegators who did not vote; a delegator who votes overrides its delegate with its own units. Delegation is
// not transitive (a delegate's delegated units do not flow on), so each checkpointed unit counts at most once.
import type { Tally, VoteSupport } from './proposal-state.ts';

export type CheckpointHolding = { accountId: string; units: bigint; delegateAccountId: string | null };
export type PowerSource = { kind: 'own'; units: bigint } | { kind: 'delegated'; from: string; units: bigint };

/** A voter's power at the snapshot and where it comes from, given who else has voted. */
export function powerOf(
  voterAccountId: string,
  holdings: readonly CheckpointHolding[],
  voted: ReadonlySet<string>,
): { power: bigint; sources: PowerSource[] } {
  // The voter's own units first, then its delegators' in account order: a receipt reads the same every time.
  const own = holdings.find((h) => h.accountId === voterAccountId);
  const sources: PowerSource[] = own ? [{ kind: 'own', units: own.units }] : [];
  for (const h of [...holdings].sort((a, b) => (a.accountId < b.accountId ? -1 : 1)))
    if (h.delegateAccountId === voterAccountId && !voted.has(h.accountId))
      sources.push({ kind: 'delegated', from: h.accountId, units: h.units });
  return { power: sources.reduce((sum, s) => sum + s.units, 0n), sources };
}

/** The tally of the voters' latest votes, each with its power under delegation. */
export function tallyWithDelegation(
  votes: ReadonlyArray<{ voterAccountId: string; support: VoteSupport }>,
  holdings: readonly CheckpointHolding[],
): Tally {
  const voted = new Set(votes.map((v) => v.voterAccountId));
  const tally: Tally = { for: 0n, against: 0n, abstain: 0n };
  for (const vote of votes) tally[vote.support] += powerOf(vote.voterAccountId, holdings, voted).power;
  return tally;
}

/** Whether a delegation recorded with this expiry still holds at the epoch (undefined: until revoked). */
export const delegationHolds = (untilEpoch: number | null, epoch: number): boolean =>
  untilEpoch === null || epoch <= untilEpoch;
