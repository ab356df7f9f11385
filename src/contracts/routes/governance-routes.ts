// Governance as contracts (issue 21): the parameter registry, proposals with their votes and execution, and
// governance units. Reads are public; writes by an account's key (its account proposes, votes and holds units).
import {
  delegationRequestSchema,
  executeRequestSchema,
  proposalRequestSchema,
  unitTransferSchema,
  voteRequestSchema,
} from '../governance/governance-requests.ts';
import {
  delegationsSchema,
  parameterListSchema,
  proposalDetailSchema,
  proposalListSchema,
  unitBalanceSchema,
  voteReceiptSchema,
} from '../governance/governance-responses.ts';
import { defineContract } from '../http/route-contract.ts';

export const governanceRoutes = {
  listParameters: defineContract({
    method: 'GET',
    url: '/v1/governance/parameters',
    auth: 'public',
    summary: 'Every market parameter: its value, owner, bounds, maximum step and the proposal that last set it',
    responses: [{ status: 200, json: parameterListSchema }],
  }),
  listProposals: defineContract({
    method: 'GET',
    url: '/v1/governance/proposals',
    auth: 'public',
    summary: 'Proposals with their state, tallies and quorum at the current epoch',
    responses: [{ status: 200, json: proposalListSchema }],
  }),
  getProposal: defineContract({
    method: 'GET',
    url: '/v1/governance/proposals/:id',
    auth: 'public',
    summary: 'A proposal: state, tallies, quorum, power snapshot epoch, timeline, votes, audit trail, execution diff',
    responses: [{ status: 200, json: proposalDetailSchema }],
  }),
  propose: defineContract({
    method: 'POST',
    url: '/v1/governance/proposals',
    auth: 'buyer',
    summary: "Propose a parameter change (checked against the parameter's bounds and maximum step now)",
    body: proposalRequestSchema,
    responses: [{ status: 201, json: proposalDetailSchema }],
  }),
  vote: defineContract({
    method: 'POST',
    url: '/v1/governance/proposals/:id/votes',
    auth: 'buyer',
    summary: "Vote with the units the key's account held at the proposal's snapshot; a new vote replaces the last",
    body: voteRequestSchema,
    responses: [{ status: 200, json: voteReceiptSchema }],
  }),
  execute: defineContract({
    method: 'POST',
    url: '/v1/governance/proposals/:id/execute',
    auth: 'buyer',
    summary: 'Execute a queued proposal past its timelock, with the exact payload its id binds (idempotent)',
    body: executeRequestSchema,
    responses: [{ status: 200, json: proposalDetailSchema }],
  }),
  getUnits: defineContract({
    method: 'GET',
    url: '/v1/governance/units',
    auth: 'buyer',
    summary: "The governance units the key's account holds now",
    responses: [{ status: 200, json: unitBalanceSchema }],
  }),
  transferUnits: defineContract({
    method: 'POST',
    url: '/v1/governance/transfers',
    auth: 'buyer',
    summary: 'Send governance units to another account (votes use checkpointed balances, never live ones)',
    body: unitTransferSchema,
    responses: [{ status: 200, json: unitBalanceSchema }],
  }),
  getDelegations: defineContract({
    method: 'GET',
    url: '/v1/governance/delegations',
    auth: 'buyer',
    summary: "The caller's delegation and the accounts delegating to it",
    responses: [{ status: 200, json: delegationsSchema }],
  }),
  delegate: defineContract({
    method: 'POST',
    url: '/v1/governance/delegations',
    auth: 'buyer',
    summary: "Delegate the account's voting power (from the next checkpoint; its own vote still overrides)",
    body: delegationRequestSchema,
    responses: [{ status: 200, json: delegationsSchema }],
  }),
  revokeDelegation: defineContract({
    method: 'DELETE',
    url: '/v1/governance/delegations',
    auth: 'buyer',
    summary: "Revoke the account's delegation (from the next checkpoint)",
    responses: [{ status: 200, json: delegationsSchema }],
  }),
} as const;
