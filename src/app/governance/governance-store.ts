// The store ports of governance: the market parameters' stored values, governance units in the ledger (genesis,
// transfers, checkpoints per epoch), and proposals with their votes and audit trail.
import type { CheckpointHolding } from '../../domain/governance/delegated-tally.ts';
import type { ProposalContent } from '../../domain/governance/proposal-id.ts';
import type { ProposalFacts, VoteSupport } from '../../domain/governance/proposal-state.ts';
import type { PlannedTransaction } from '../../domain/ledger/transaction.ts';

export type StoredParameter = { name: string; value: string; setByProposal: string | null; setInEpoch: number | null };

export type ParameterStore = {
  loadParameters(): Promise<StoredParameter[]>;
  /** writes each value that has none yet (the genesis values); a stored value is kept */
  seedParameters(values: ReadonlyArray<{ name: string; value: string }>): Promise<void>;
  setOperatorParameter(name: string, value: string): Promise<void>;
};

export type ProposalRecord = ProposalContent &
  ProposalFacts & {
    id: string;
    timelockEpochs: number;
    queuedEpoch: number | undefined;
    canceledReason: string | undefined;
    executionDiff: unknown;
    createdAtMs: number;
  };

export type DelegationRecord = {
  delegatorAccountId: string;
  delegateAccountId: string;
  /** the last epoch it holds; null: until revoked */
  untilEpoch: number | null;
  createdEpoch: number;
};

export type VoteRecord = { voterAccountId: string; support: VoteSupport; power: bigint; castEpoch: number };
export type GovernanceEvent = { proposalId: string | null; kind: string; epoch: number; detail: unknown; atMs: number };

export type GovernanceStore = ParameterStore & {
  /** the open epoch's number (the settlement epochs'); 0 before the first settlement */
  currentEpoch(): Promise<number>;
  /** applies the genesis transaction once (opening the holders' unit accounts); false when it was already applied */
  applyGenesis(genesis: PlannedTransaction, holderAccountIds: readonly string[]): Promise<boolean>;
  unitBalance(accountId: string): Promise<bigint>;
  accountExists(accountId: string): Promise<boolean>;
  /** plans a transfer from the sender's locked balance and writes it; false when the plan moved nothing */
  transferUnits(
    fromAccountId: string,
    toAccountId: string,
    plan: (fromBalance: bigint) => PlannedTransaction | undefined,
  ): Promise<boolean>;
  /** copies every account's units into the epoch's checkpoint, once (later calls for the epoch change nothing) */
  checkpoint(epoch: number): Promise<void>;
  /** the account's checkpointed units and the epoch's total; undefined when the epoch has no checkpoint */
  checkpointed(epoch: number, accountId: string): Promise<{ units: bigint; total: bigint } | undefined>;
  checkpointTotal(epoch: number): Promise<bigint | undefined>;
  /** every holder's checkpointed units at the epoch, with the delegate it had then */
  holdings(epoch: number): Promise<CheckpointHolding[]>;
  /** records (or replaces) the delegator's delegation */
  delegate(delegation: DelegationRecord): Promise<void>;
  /** false when the account had no delegation */
  revokeDelegation(delegatorAccountId: string, epoch: number): Promise<boolean>;
  delegations(
    accountId: string,
  ): Promise<{ delegatesTo: DelegationRecord | undefined; delegators: DelegationRecord[] }>;
  createProposal(proposal: Omit<ProposalRecord, 'createdAtMs'>, epoch: number): Promise<void>;
  proposal(id: string): Promise<ProposalRecord | undefined>;
  proposals(): Promise<ProposalRecord[]>;
  votes(proposalId: string): Promise<VoteRecord[]>;
  /** records the voter's vote, replacing an earlier one of the same voter */
  castVote(proposalId: string, vote: VoteRecord): Promise<void>;
  queue(proposalId: string, epoch: number, executableEpoch: number): Promise<void>;
  /** marks the proposal executed and sets the parameter, in one transaction; false when it was already executed */
  executeParameterChange(
    proposalId: string,
    epoch: number,
    change: { name: string; before: string; after: string },
  ): Promise<boolean>;
  cancel(proposalId: string, epoch: number, reason: string): Promise<void>;
  events(proposalId: string): Promise<GovernanceEvent[]>;
};
