// Governance on the API: the parameter registry (public list; the operator sets only the parameters it owns),
// proposals (propose, vote, execute with the payload the id binds) and governance units.
import type { DelegationRecord, GovernanceStore } from '../../../app/governance/governance-store.ts';
import type { PowerSource } from '../../../domain/governance/delegated-tally.ts';
import type { ParameterEntry, ParameterRegistry } from '../../../app/governance/parameter-registry.ts';
import { transferUnits } from '../../../app/governance/governance-units.ts';
import {
  castVote,
  delegateVotes,
  executeWithPayload,
  proposalOrThrow,
  proposeParameterChange,
} from '../../../app/governance/proposals.ts';
import { readProposal, type ProposalReading } from '../../../app/governance/proposal-views.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { governanceRoutes } from '../../../contracts/routes/governance-routes.ts';
import { formatScaled } from '../../../domain/governance/parameter-change.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
import { isoTime } from './views.ts';

export type GovernanceRouteDeps = { store: GovernanceStore; registry: ParameterRegistry };

const parameterView = (p: ParameterEntry) => ({
  name: p.name,
  value: formatScaled(p.value, p.spec.scale),
  owner: p.spec.owner,
  min: formatScaled(p.spec.min, p.spec.scale),
  max: formatScaled(p.spec.max, p.spec.scale),
  max_step: formatScaled(p.spec.maxStep, p.spec.scale),
  description: p.spec.description,
  set_by_proposal: p.setByProposal,
  set_in_epoch: p.setInEpoch,
});

const sourcesView = (sources: PowerSource[]) =>
  sources.map((s) =>
    s.kind === 'own'
      ? { kind: s.kind, units: s.units.toString() }
      : { kind: s.kind, from: s.from, units: s.units.toString() },
  );

const delegationView = (d: DelegationRecord) => ({
  delegator: d.delegatorAccountId,
  delegate: d.delegateAccountId,
  until_epoch: d.untilEpoch,
  created_epoch: d.createdEpoch,
});

const orNull = <T>(value: T | undefined): T | null => value ?? null;

const proposalView = ({ proposal: p, state, tally, activePower, quorumReached }: ProposalReading) => ({
  id: p.id,
  type: p.kind,
  proposer: p.proposerAccountId,
  payload: p.payload,
  state,
  tally: { for: tally.for.toString(), against: tally.against.toString(), abstain: tally.abstain.toString() },
  quorum: { bps: p.quorumBps, active_power: activePower.toString(), reached: quorumReached },
  snapshot_epoch: p.votingStartsEpoch,
  timeline: {
    created_epoch: p.createdEpoch,
    voting_starts_epoch: p.votingStartsEpoch,
    voting_ends_epoch: p.votingEndsEpoch,
    queued_epoch: orNull(p.queuedEpoch),
    executable_epoch: orNull(p.executableEpoch),
    executed_epoch: orNull(p.executedEpoch),
    canceled_epoch: orNull(p.canceledEpoch),
  },
  canceled_reason: orNull(p.canceledReason),
  execution_diff: (p.executionDiff ?? null) as { parameter: string; before: string; after: string } | null,
  created: isoTime(p.createdAtMs),
});

export function registerGovernanceRoutes(table: RouteTable, deps: GovernanceRouteDeps): void {
  const detail = async (reading: ProposalReading) => ({
    ...proposalView(reading),
    votes: reading.votes.map((v) => ({
      voter: v.voterAccountId,
      support: v.support,
      power: v.power.toString(),
      sources: sourcesView(v.sources),
      cast_epoch: v.castEpoch,
    })),
    events: (await deps.store.events(reading.proposal.id)).map((e) => ({
      kind: e.kind,
      epoch: e.epoch,
      detail: e.detail,
      at: isoTime(e.atMs),
    })),
  });
  const units = async (accountId: string) => ({
    account: accountId,
    units: (await deps.store.unitBalance(accountId)).toString(),
  });

  defineRoute(table, governanceRoutes.listParameters).handle(async () => {
    await deps.registry.reload();
    return { object: 'list', epoch: await deps.store.currentEpoch(), data: deps.registry.list().map(parameterView) };
  });
  defineRoute(table, adminRoutes.setParameter).handle(async ({ params, body }) =>
    parameterView(await deps.registry.setByOperator(params.name, body.value)),
  );
  defineRoute(table, governanceRoutes.listProposals).handle(async () => {
    const epoch = await deps.store.currentEpoch();
    const readings = await Promise.all((await deps.store.proposals()).map((p) => readProposal(deps.store, p, epoch)));
    return { object: 'list', epoch, data: readings.map(proposalView) };
  });
  defineRoute(table, governanceRoutes.getProposal).handle(async ({ params }) => {
    const proposal = await proposalOrThrow(deps.store, params.id);
    return detail(await readProposal(deps.store, proposal, await deps.store.currentEpoch()));
  });
  defineRoute(table, governanceRoutes.propose).handle(async ({ caller, body }) =>
    detail(await proposeParameterChange(deps, caller.key.accountId, body.payload)),
  );
  defineRoute(table, governanceRoutes.vote).handle(async ({ caller, params, body }) => {
    const receipt = await castVote(deps, params.id, caller.key.accountId, body.support);
    return {
      proposal: receipt.proposalId,
      voter: receipt.voterAccountId,
      support: receipt.support,
      power: receipt.power.toString(),
      cast_epoch: receipt.castEpoch,
      snapshot_epoch: receipt.snapshotEpoch,
      sources: sourcesView(receipt.sources),
      replaced: receipt.replaced,
    };
  });
  defineRoute(table, governanceRoutes.execute).handle(async ({ params, body }) =>
    detail(await executeWithPayload(deps, params.id, body.payload)),
  );
  const delegations = async (accountId: string) => {
    const found = await deps.store.delegations(accountId);
    return {
      delegates_to: found.delegatesTo ? delegationView(found.delegatesTo) : null,
      delegators: found.delegators.map(delegationView),
    };
  };
  defineRoute(table, governanceRoutes.getDelegations).handle(async ({ caller }) => delegations(caller.key.accountId));
  defineRoute(table, governanceRoutes.delegate).handle(async ({ caller, body }) => {
    await delegateVotes(deps, caller.key.accountId, body.to, body.until_epoch);
    return delegations(caller.key.accountId);
  });
  defineRoute(table, governanceRoutes.revokeDelegation).handle(async ({ caller }) => {
    await deps.store.revokeDelegation(caller.key.accountId, await deps.store.currentEpoch());
    return delegations(caller.key.accountId);
  });
  defineRoute(table, governanceRoutes.getUnits).handle(async ({ caller }) => units(caller.key.accountId));
  defineRoute(table, governanceRoutes.transferUnits).handle(async ({ caller, body }) => {
    await transferUnits(
      deps.store,
      { fromAccountId: caller.key.accountId, toAccountId: body.to, idempotencyKey: body.idempotency_key },
      body.units,
    );
    return units(caller.key.accountId);
  });
}
