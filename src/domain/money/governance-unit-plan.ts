// Governance units move only by these plans: genesis (once per market, by configuration: a founding allocation to
// the operator's account and a share held by the treasury) and a holder's transfer of units it holds. Units never
// come from credits: every transaction here touches governance-unit accounts only, and the ledger checks each
// transaction sums to zero per asset (migration 028).
import { ledgerAccount, plannedTransaction, type LedgerEntry, type PlannedTransaction } from '../ledger/transaction.ts';
import { coveredTransfer } from './covered-transfer.ts';

export type GovernanceGenesis = { operatorAccountId: string; founderUnits: bigint; treasuryUnits: bigint };

/** The genesis issuance as one transaction; its key is fixed, so a second start (or a racing instance) is a retry. */
export function planGovernanceGenesis(genesis: GovernanceGenesis): PlannedTransaction | undefined {
  const entries: LedgerEntry[] = [];
  if (genesis.founderUnits > 0n)
    entries.push({ account: ledgerAccount.governanceUnits(genesis.operatorAccountId), amount: genesis.founderUnits });
  if (genesis.treasuryUnits > 0n)
    entries.push({ account: ledgerAccount.governanceTreasury, amount: genesis.treasuryUnits });
  const total = genesis.founderUnits + genesis.treasuryUnits;
  if (entries.length === 0 || genesis.founderUnits < 0n || genesis.treasuryUnits < 0n) return undefined;
  return plannedTransaction({
    idempotencyKey: 'governance:genesis',
    kind: 'governance_genesis',
    entries: [{ account: ledgerAccount.governanceSupply, amount: -total }, ...entries],
  });
}

/** A holder's units to another account; undefined (nothing moves) when it holds fewer than it sends. */
export const planGovernanceTransfer = (
  move: { fromAccountId: string; toAccountId: string; idempotencyKey: string },
  units: bigint,
  fromBalance: bigint,
): PlannedTransaction | undefined =>
  move.fromAccountId === move.toAccountId
    ? undefined
    : coveredTransfer(
        {
          idempotencyKey: `governance_transfer:${move.idempotencyKey}`,
          kind: 'governance_transfer',
          from: ledgerAccount.governanceUnits(move.fromAccountId),
          to: ledgerAccount.governanceUnits(move.toAccountId),
        },
        units,
        fromBalance,
      );
