// Proposals: made by an account that held governance units at the last checkpoint (one live proposal each), voted
// with the power checkpointed at the epoch boundary that opened the vote (a changed vote replaces the earlier one),
// and executed by the epoch boundary once the timelock has passed (governance-boundary.ts) or by anyone with the
// exact payload the id binds. A parameter change is checked against the registry's bounds and step when proposed
// and again when it executes.
import { marketError } from '../../contracts/errors/market-error.ts';
import {
  checkParameterChange,
  describeRefusal,
  formatScaled,
  parseScaled,
} from '../../domain/governance/parameter-change.ts';
import { isParameterName, MARKET_PARAMETERS, type ParameterName } from '../../domain/governance/market-parameters.ts';
import {
  bindsPayload,
  proposalId,
  type ParameterChangePayload,
  type ProposalContent,
} from '../../domain/governance/proposal-id.ts';
import { delegationHolds, powerOf, type PowerSource } from '../../domain/governance/delegated-tally.ts';
import { isLive, type VoteSupport } from '../../domain/governance/proposal-state.ts';
import type { GovernanceStore, ProposalRecord, VoteRecord } from './governance-store.ts';
import type { ParameterRegistry } from './parameter-registry.ts';
import { readProposal, type ProposalReading } from './proposal-views.ts';

export type GovernanceDeps = { store: GovernanceStore; registry: ParameterRegistry };

/** The parameter and scaled value of a payload, or the refusal a caller sees. */
function parameterChangeOf(
  registry: ParameterRegistry,
  payload: ParameterChangePayload,
  epochs: { now: number; lastChanged: number | undefined },
): { name: ParameterName; before: bigint; after: bigint } {
  const name = payload.parameter;
  if (!isParameterName(name))
    throw marketError('parameter_not_found', `No market parameter '${name}'.`, { param: 'payload.parameter' });
  const spec = MARKET_PARAMETERS[name];
  if (spec.owner !== 'governance')
    throw marketError(
      'parameter_change_refused',
      `${name} is an operator setting (PUT /admin/parameters/${name}), not governed.`,
      { param: 'payload.parameter' },
    );
  const value = parseScaled(payload.value, spec.scale);
  if (value === undefined)
    throw marketError('parameter_change_refused', `${name} takes a decimal with at most ${spec.scale} places.`, {
      param: 'payload.value',
    });
  const check = checkParameterChange(registry.rules(), name, value, epochs);
  if (!check.ok)
    throw marketError('parameter_change_refused', describeRefusal(name, check), { param: 'payload.value' });
  return { name, before: check.before, after: check.after };
}

export async function proposeParameterChange(
  deps: GovernanceDeps,
  proposerAccountId: string,
  payload: ParameterChangePayload,
): Promise<ProposalReading> {
  const epoch = await deps.store.currentEpoch();
  // Bounds, step and consistency now; the once-per-epoch rule is the execution's (its epoch is not known yet).
  parameterChangeOf(deps.registry, payload, { now: epoch, lastChanged: undefined });
  await deps.store.checkpoint(epoch);
  const held = await deps.store.checkpointed(epoch, proposerAccountId);
  if (!held || held.units === 0n)
    throw marketError('no_voting_power', 'Only an account that held governance units at this epoch may propose.');
  for (const p of await deps.store.proposals())
    if (p.proposerAccountId === proposerAccountId && isLive((await readProposal(deps.store, p, epoch)).state))
      throw marketError('proposal_limit', `The account already has a live proposal (${p.id}).`);
  const rules = deps.registry.rules().governance;
  const content: ProposalContent = { kind: 'parameter_change', payload, proposerAccountId, createdEpoch: epoch };
  const votingStartsEpoch = epoch + rules.votingDelayEpochs;
  const id = proposalId(content);
  await deps.store.createProposal(
    {
      ...content,
      id,
      votingStartsEpoch,
      votingEndsEpoch: votingStartsEpoch + rules.votingPeriodEpochs,
      quorumBps: rules.quorumBps,
      timelockEpochs: rules.timelockEpochs,
      queuedEpoch: undefined,
      executableEpoch: undefined,
      executedEpoch: undefined,
      canceledEpoch: undefined,
      canceledReason: undefined,
      executionDiff: undefined,
    },
    epoch,
  );
  return readProposal(deps.store, await proposalOrThrow(deps.store, id), epoch);
}

export async function proposalOrThrow(store: GovernanceStore, id: string): Promise<ProposalRecord> {
  const proposal = await store.proposal(id);
  if (!proposal) throw marketError('proposal_not_found', `No proposal '${id}'.`, { param: 'id' });
  return proposal;
}

export type VoteReceipt = VoteRecord & {
  proposalId: string;
  snapshotEpoch: number;
  replaced: boolean;
  sources: PowerSource[];
};

export async function castVote(
  deps: GovernanceDeps,
  id: string,
  voterAccountId: string,
  support: VoteSupport,
): Promise<VoteReceipt> {
  const proposal = await proposalOrThrow(deps.store, id);
  const epoch = await deps.store.currentEpoch();
  const { state, votes } = await readProposal(deps.store, proposal, epoch);
  if (state !== 'active')
    throw marketError('voting_closed', `The proposal is ${state}; votes are taken only while it is active.`);
  // The boundary job normally took it; a vote arriving first takes it at the same boundary's balances.
  await deps.store.checkpoint(proposal.votingStartsEpoch);
  const holdings = await deps.store.holdings(proposal.votingStartsEpoch);
  const voted = new Set([...votes.map((v) => v.voterAccountId), voterAccountId]);
  const { power, sources } = powerOf(voterAccountId, holdings, voted);
  if (power === 0n)
    throw marketError(
      'no_voting_power',
      `The account held (or was delegated) no governance units at epoch ${proposal.votingStartsEpoch}, this proposal's snapshot.`,
    );
  const vote: VoteRecord = { voterAccountId, support, power, castEpoch: epoch };
  await deps.store.castVote(id, vote);
  return {
    ...vote,
    sources,
    proposalId: id,
    snapshotEpoch: proposal.votingStartsEpoch,
    replaced: votes.some((v) => v.voterAccountId === voterAccountId),
  };
}

/**
 * Executes a queued proposal whose timelock has passed: its stored payload must hash to its id, and the change must
 * still pass the registry's checks at this epoch (another proposal may have moved the value); otherwise it is
 * canceled with the reason. Executing an executed proposal changes nothing.
 */
export async function executeProposal(deps: GovernanceDeps, proposal: ProposalRecord, epoch: number): Promise<void> {
  if (!bindsPayload(proposal.id, proposal))
    return deps.store.cancel(proposal.id, epoch, 'the stored payload does not hash to the proposal id');
  const name = proposal.payload.parameter;
  let change: { name: ParameterName; before: bigint; after: bigint };
  try {
    const lastChanged = isParameterName(name) ? (deps.registry.entry(name).setInEpoch ?? undefined) : undefined;
    change = parameterChangeOf(deps.registry, proposal.payload, { now: epoch, lastChanged });
  } catch (error) {
    return deps.store.cancel(proposal.id, epoch, `execution refused: ${(error as Error).message}`);
  }
  const scale = MARKET_PARAMETERS[change.name].scale;
  await deps.store.executeParameterChange(proposal.id, epoch, {
    name: change.name,
    before: formatScaled(change.before, scale),
    after: formatScaled(change.after, scale),
  });
  await deps.registry.reload();
}

/** `POST …/execute` with the payload: anyone may execute a due proposal, only with the exact payload voted on. */
export async function executeWithPayload(
  deps: GovernanceDeps,
  id: string,
  payload: ParameterChangePayload,
): Promise<ProposalReading> {
  const proposal = await proposalOrThrow(deps.store, id);
  if (!bindsPayload(id, { ...proposal, payload }))
    throw marketError('payload_mismatch', 'The payload is not the one this proposal id binds; nothing executes.');
  const epoch = await deps.store.currentEpoch();
  const reading = await readProposal(deps.store, proposal, epoch);
  if (reading.state === 'executed') return reading;
  if (reading.state !== 'queued' || (proposal.executableEpoch ?? Infinity) > epoch)
    throw marketError(
      'proposal_not_executable',
      `The proposal is ${reading.state}${proposal.executableEpoch !== undefined ? `, executable from epoch ${proposal.executableEpoch}` : ''}.`,
    );
  await executeProposal(deps, proposal, epoch);
  return readProposal(deps.store, await proposalOrThrow(deps.store, id), epoch);
}

/**
 * Delegates the account's voting power (its units at each later checkpoint) to another account, until revoked or
 * through `untilEpoch`; a delegation already recorded is replaced. It counts from the next checkpoint on.
 */
export async function delegateVotes(
  deps: Pick<GovernanceDeps, 'store'>,
  delegatorAccountId: string,
  delegateAccountId: string,
  untilEpoch: number | null,
): Promise<void> {
  if (delegatorAccountId === delegateAccountId)
    throw marketError('invalid_value', 'An account delegates to another account.', { param: 'to' });
  if (!(await deps.store.accountExists(delegateAccountId)))
    throw marketError('account_not_found', `No account '${delegateAccountId}'.`, { param: 'to' });
  const epoch = await deps.store.currentEpoch();
  if (untilEpoch !== null && !delegationHolds(untilEpoch, epoch + 1))
    throw marketError('invalid_value', `until_epoch must be after the current epoch (${epoch}).`, {
      param: 'until_epoch',
    });
  await deps.store.delegate({ delegatorAccountId, delegateAccountId, untilEpoch, createdEpoch: epoch });
}
