// Governance on SQL: market parameters, governance units (their ledger transactions are planned in
// src/domain/money/governance-unit-plan.ts and written by the one ledger writer), checkpoints, proposals, votes and
// the audit trail (governance_events: one row per step, written in the step's transaction).
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { GovernanceStore, ProposalRecord } from '../../app/governance/governance-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import { lockedBalance } from './ledger-locks.ts';
import { ensureLedgerAccount, writeLedgerTransaction } from './ledger-writes.ts';
import type { Schema } from './schema.ts';

const orUndefined = <T>(value: T | null): T | undefined => value ?? undefined;

const toProposal = (r: Selectable<Schema['governance_proposals']>): ProposalRecord => ({
  id: r.id,
  kind: r.kind,
  payload: r.payload as ProposalRecord['payload'],
  proposerAccountId: r.proposer_account_id,
  createdEpoch: r.created_epoch,
  votingStartsEpoch: r.voting_starts_epoch,
  votingEndsEpoch: r.voting_ends_epoch,
  quorumBps: r.quorum_bps,
  timelockEpochs: r.timelock_epochs,
  queuedEpoch: orUndefined(r.queued_epoch),
  executableEpoch: orUndefined(r.executable_epoch),
  executedEpoch: orUndefined(r.executed_epoch),
  canceledEpoch: orUndefined(r.canceled_epoch),
  canceledReason: orUndefined(r.canceled_reason),
  executionDiff: r.execution_diff ?? undefined,
  createdAtMs: r.created_at.getTime(),
});

const recordEvent = (
  trx: Transaction<Schema>,
  proposalId: string | null,
  kind: string,
  epoch: number,
  detail: unknown,
) =>
  trx
    .insertInto('governance_events')
    .values({ proposal_id: proposalId, kind, epoch, detail: JSON.stringify(detail) })
    .execute();

export function createKyselyGovernanceStore(db: Kysely<Schema>): GovernanceStore {
  const checkpointed = async (epoch: number, accountId: string) => {
    const total = await db
      .selectFrom('governance_epochs')
      .select('total_units')
      .where('epoch', '=', epoch)
      .executeTakeFirst();
    if (!total) return undefined;
    const held = await db
      .selectFrom('governance_checkpoints')
      .select('units')
      .where('epoch', '=', epoch)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return { units: held?.units ?? 0n, total: total.total_units };
  };
  return {
    async loadParameters() {
      const rows = await db.selectFrom('market_parameters').selectAll().execute();
      return rows.map((r) => ({
        name: r.name,
        value: r.value,
        setByProposal: r.set_by_proposal,
        setInEpoch: r.set_in_epoch,
      }));
    },
    async seedParameters(values) {
      if (values.length === 0) return;
      await db
        .insertInto('market_parameters')
        .values(values.map((v) => ({ name: v.name, value: v.value })))
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    },
    async setOperatorParameter(name, value) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('market_parameters')
          .set({ value, set_by_proposal: null, updated_at: sql`now()` })
          .where('name', '=', name)
          .execute();
        await recordEvent(trx, null, 'operator_parameter_set', 0, { name, value });
      });
    },
    async currentEpoch() {
      const row = await db
        .selectFrom('epochs')
        .select((eb) => eb.fn.max('number').as('number'))
        .executeTakeFirst();
      return row?.number ?? 0;
    },
    async applyGenesis(genesis, holderAccountIds) {
      return db.transaction().execute(async (trx) => {
        for (const holder of holderAccountIds)
          await ensureLedgerAccount(trx, ledgerAccount.governanceUnits(holder), holder, 'gov_units');
        const written = await writeLedgerTransaction(trx, genesis);
        if (written)
          await recordEvent(trx, null, 'genesis', 0, {
            issued: genesis.entries.filter((e) => e.amount > 0n).map((e) => [e.account, e.amount.toString()]),
          });
        return written;
      });
    },
    async accountExists(accountId) {
      return (
        (await db.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst()) !== undefined
      );
    },
    async unitBalance(accountId) {
      const row = await db
        .selectFrom('ledger_accounts')
        .select('balance')
        .where('id', '=', ledgerAccount.governanceUnits(accountId))
        .executeTakeFirst();
      return row?.balance ?? 0n;
    },
    async transferUnits(fromAccountId, toAccountId, plan) {
      return db.transaction().execute(async (trx) => {
        const transfer = plan(await lockedBalance(trx, ledgerAccount.governanceUnits(fromAccountId)));
        if (!transfer) return false;
        await ensureLedgerAccount(trx, ledgerAccount.governanceUnits(toAccountId), toAccountId, 'gov_units');
        await writeLedgerTransaction(trx, transfer);
        return true;
      });
    },
    async checkpoint(epoch) {
      // The epoch's row first: a second call (or a racing instance) conflicts on it and copies nothing.
      await db.transaction().execute(async (trx) => {
        const taken = await sql<{ epoch: number }>`
          insert into governance_epochs (epoch, total_units)
          select ${epoch}, coalesce(sum(balance), 0) from ledger_accounts where kind = 'gov_units' and balance > 0
          on conflict (epoch) do nothing returning epoch`.execute(trx);
        if (taken.rows.length === 0) return;
        // Each holder with the delegate it has at this epoch (a delegation past its last epoch no longer counts).
        await sql`
          insert into governance_checkpoints (epoch, account_id, units, delegate_account_id)
          select ${epoch}, a.owner_id, a.balance, d.delegate_account_id
          from ledger_accounts a
          left join governance_delegations d
            on d.delegator_account_id = a.owner_id and (d.until_epoch is null or d.until_epoch >= ${epoch})
          where a.kind = 'gov_units' and a.balance > 0`.execute(trx);
      });
    },
    checkpointed,
    async checkpointTotal(epoch) {
      const row = await db
        .selectFrom('governance_epochs')
        .select('total_units')
        .where('epoch', '=', epoch)
        .executeTakeFirst();
      return row?.total_units;
    },
    async holdings(epoch) {
      const rows = await db.selectFrom('governance_checkpoints').selectAll().where('epoch', '=', epoch).execute();
      return rows.map((r) => ({ accountId: r.account_id, units: r.units, delegateAccountId: r.delegate_account_id }));
    },
    async delegate(d) {
      await db.transaction().execute(async (trx) => {
        const row = {
          delegator_account_id: d.delegatorAccountId,
          delegate_account_id: d.delegateAccountId,
          until_epoch: d.untilEpoch,
          created_epoch: d.createdEpoch,
        };
        await trx
          .insertInto('governance_delegations')
          .values(row)
          .onConflict((oc) =>
            oc.column('delegator_account_id').doUpdateSet({
              delegate_account_id: d.delegateAccountId,
              until_epoch: d.untilEpoch,
              created_epoch: d.createdEpoch,
              created_at: sql`now()`,
            }),
          )
          .execute();
        await recordEvent(trx, null, 'delegated', d.createdEpoch, {
          delegator: d.delegatorAccountId,
          delegate: d.delegateAccountId,
          until_epoch: d.untilEpoch,
        });
      });
    },
    async revokeDelegation(delegatorAccountId, epoch) {
      return db.transaction().execute(async (trx) => {
        const removed = await trx
          .deleteFrom('governance_delegations')
          .where('delegator_account_id', '=', delegatorAccountId)
          .executeTakeFirst();
        if (removed.numDeletedRows === 0n) return false;
        await recordEvent(trx, null, 'delegation_revoked', epoch, { delegator: delegatorAccountId });
        return true;
      });
    },
    async delegations(accountId) {
      const rows = await db
        .selectFrom('governance_delegations')
        .selectAll()
        .where((eb) => eb.or([eb('delegator_account_id', '=', accountId), eb('delegate_account_id', '=', accountId)]))
        .orderBy('delegator_account_id')
        .execute();
      const records = rows.map((r) => ({
        delegatorAccountId: r.delegator_account_id,
        delegateAccountId: r.delegate_account_id,
        untilEpoch: r.until_epoch,
        createdEpoch: r.created_epoch,
      }));
      return {
        delegatesTo: records.find((r) => r.delegatorAccountId === accountId),
        delegators: records.filter((r) => r.delegateAccountId === accountId),
      };
    },
    async createProposal(p, epoch) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('governance_proposals')
          .values({
            id: p.id,
            proposer_account_id: p.proposerAccountId,
            kind: p.kind,
            payload: JSON.stringify(p.payload),
            created_epoch: p.createdEpoch,
            voting_starts_epoch: p.votingStartsEpoch,
            voting_ends_epoch: p.votingEndsEpoch,
            quorum_bps: p.quorumBps,
            timelock_epochs: p.timelockEpochs,
          })
          .execute();
        await recordEvent(trx, p.id, 'proposed', epoch, { proposer: p.proposerAccountId, payload: p.payload });
      });
    },
    async proposal(id) {
      const row = await db.selectFrom('governance_proposals').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toProposal(row);
    },
    async proposals() {
      const rows = await db
        .selectFrom('governance_proposals')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toProposal);
    },
    async votes(proposalId) {
      const rows = await db
        .selectFrom('governance_votes')
        .selectAll()
        .where('proposal_id', '=', proposalId)
        .orderBy('cast_at')
        .execute();
      return rows.map((r) => ({
        voterAccountId: r.voter_account_id,
        support: r.support,
        power: r.power,
        castEpoch: r.cast_epoch,
      }));
    },
    async castVote(proposalId, vote) {
      await db.transaction().execute(async (trx) => {
        const row = {
          proposal_id: proposalId,
          voter_account_id: vote.voterAccountId,
          support: vote.support,
          power: vote.power,
          cast_epoch: vote.castEpoch,
        };
        await trx
          .insertInto('governance_votes')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['proposal_id', 'voter_account_id']).doUpdateSet({
              support: vote.support,
              power: vote.power,
              cast_epoch: vote.castEpoch,
              cast_at: sql`now()`,
            }),
          )
          .execute();
        await recordEvent(trx, proposalId, 'vote', vote.castEpoch, {
          voter: vote.voterAccountId,
          support: vote.support,
          power: vote.power.toString(),
        });
      });
    },
    async queue(proposalId, epoch, executableEpoch) {
      await db.transaction().execute(async (trx) => {
        const queued = await trx
          .updateTable('governance_proposals')
          .set({ queued_epoch: epoch, executable_epoch: executableEpoch })
          .where('id', '=', proposalId)
          .where('queued_epoch', 'is', null)
          .executeTakeFirst();
        if (queued.numUpdatedRows > 0n)
          await recordEvent(trx, proposalId, 'queued', epoch, { executable_epoch: executableEpoch });
      });
    },
    async executeParameterChange(proposalId, epoch, change) {
      return db.transaction().execute(async (trx) => {
        const diff = { parameter: change.name, before: change.before, after: change.after };
        const executed = await trx
          .updateTable('governance_proposals')
          .set({ executed_epoch: epoch, execution_diff: JSON.stringify(diff) })
          .where('id', '=', proposalId)
          .where('executed_epoch', 'is', null)
          .where('canceled_epoch', 'is', null)
          .executeTakeFirst();
        if (executed.numUpdatedRows === 0n) return false;
        await trx
          .updateTable('market_parameters')
          .set({ value: change.after, set_by_proposal: proposalId, set_in_epoch: epoch, updated_at: sql`now()` })
          .where('name', '=', change.name)
          .execute();
        await recordEvent(trx, proposalId, 'executed', epoch, diff);
        return true;
      });
    },
    async cancel(proposalId, epoch, reason) {
      await db.transaction().execute(async (trx) => {
        const canceled = await trx
          .updateTable('governance_proposals')
          .set({ canceled_epoch: epoch, canceled_reason: reason })
          .where('id', '=', proposalId)
          .where('canceled_epoch', 'is', null)
          .where('executed_epoch', 'is', null)
          .executeTakeFirst();
        if (canceled.numUpdatedRows > 0n) await recordEvent(trx, proposalId, 'canceled', epoch, { reason });
      });
    },
    async events(proposalId) {
      const rows = await db
        .selectFrom('governance_events')
        .selectAll()
        .where('proposal_id', '=', proposalId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        proposalId: r.proposal_id,
        kind: r.kind,
        epoch: r.epoch,
        detail: r.detail,
        atMs: r.created_at.getTime(),
      }));
    },
  };
}
