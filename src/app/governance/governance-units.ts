// Governance units: the genesis issuance (once, by configuration) and transfers between holders, each a domain plan
// applied by the ledger.
import { marketError } from '../../contracts/errors/market-error.ts';
import {
  planGovernanceGenesis,
  planGovernanceTransfer,
  type GovernanceGenesis,
} from '../../domain/money/governance-unit-plan.ts';
import type { GovernanceStore } from './governance-store.ts';

/** True when this call issued the genesis supply, false when an earlier start had. */
export async function applyGovernanceGenesis(store: GovernanceStore, genesis: GovernanceGenesis): Promise<boolean> {
  const plan = planGovernanceGenesis(genesis);
  return plan ? store.applyGenesis(plan, [genesis.operatorAccountId]) : false;
}

export async function transferUnits(
  store: GovernanceStore,
  move: { fromAccountId: string; toAccountId: string; idempotencyKey: string },
  units: bigint,
): Promise<void> {
  if (move.fromAccountId === move.toAccountId)
    throw marketError('invalid_value', 'Units go to another account.', { param: 'to' });
  if (!(await store.accountExists(move.toAccountId)))
    throw marketError('account_not_found', `No account '${move.toAccountId}'.`, { param: 'to' });
  const moved = await store.transferUnits(move.fromAccountId, move.toAccountId, (balance) =>
    planGovernanceTransfer(move, units, balance),
  );
  if (!moved) throw marketError('insufficient_units', 'The account holds fewer governance units than the transfer.');
}
