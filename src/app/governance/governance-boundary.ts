// What governance does at each epoch boundary (run beside settlement, on every instance; each step is idempotent):
// checkpoint every account's governance units for the epoch that began, queue proposals that succeeded, and execute
// queued ones whose timelock has passed.
import { dueStep } from '../../domain/governance/proposal-state.ts';
import { executeProposal, type GovernanceDeps } from './proposals.ts';
import { readProposal } from './proposal-views.ts';

export type BoundaryStep = { proposalId: string; step: 'queue' | 'execute'; epoch: number };

export async function runGovernanceBoundary(deps: GovernanceDeps): Promise<BoundaryStep[]> {
  const epoch = await deps.store.currentEpoch();
  await deps.store.checkpoint(epoch);
  const steps: BoundaryStep[] = [];
  for (const proposal of await deps.store.proposals()) {
    const { state } = await readProposal(deps.store, proposal, epoch);
    const step = dueStep(state, proposal, epoch);
    if (step === 'queue') await deps.store.queue(proposal.id, epoch, epoch + proposal.timelockEpochs);
    if (step === 'execute') await executeProposal(deps, proposal, epoch);
    if (step) steps.push({ proposalId: proposal.id, step, epoch });
  }
  return steps;
}
