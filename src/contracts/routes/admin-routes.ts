// The operator's /admin surface as contracts: accounts, credits, keys, engines, hosts and their approval, prices,
// top-ups and payouts, epochs, the ledger, incidents, traffic, and verification evidence and appeals.
import { z } from 'zod';
import {
  createAccountSchema,
  createKeySchema,
  grantCreditsSchema,
  registerEngineSchema,
} from '../admin/admin-requests.ts';
import {
  accountCreatedSchema,
  accountListSchema,
  adminHostListSchema,
  creditsGrantedSchema,
  engineRegisteredSchema,
  hostApprovedSchema,
  issuedKeySchema,
  keyListSchema,
  ledgerKindsSchema,
  revokedSchema,
} from '../admin/admin-responses.ts';
import { incidentUpdateSchema, openIncidentSchema, trafficQuerySchema } from '../console/console-requests.ts';
import {
  incidentListSchema,
  incidentSchema,
  incidentSuggestionListSchema,
  trafficSchema,
} from '../console/status-responses.ts';
import { priceBoundsSchema, settlementSchema } from '../economics/economics-requests.ts';
import { operatorParameterSchema } from '../governance/governance-requests.ts';
import { parameterSchema } from '../governance/governance-responses.ts';
import {
  epochSchema,
  ledgerCheckSchema,
  modelPricingSchema,
  payoutSchema,
  settledEpochsSchema,
  topUpSchema,
} from '../economics/economics-responses.ts';
import { defineContract, type RouteContract } from '../http/route-contract.ts';
import { MAX_TOKENIZER_BYTES, modelLaunchSchema } from '../models/model-manifest.ts';
import { adminModelListSchema, modelLaunchedSchema, modelStateSchema } from '../models/model-responses.ts';
import { listOf } from '../http/wire-values.ts';
import { appealDecisionSchema, checksQuerySchema } from '../trust/trust-requests.ts';
import { appealListSchema, appealSchema, hostEvidenceSchema } from '../trust/trust-responses.ts';
import {
  installedProfileListSchema,
  installedProfileSchema,
  verificationCostListSchema,
} from '../verification/verification-cost-responses.ts';
import { calibrationFileSchema } from '../trust/calibration-file.ts';

const operator = { auth: 'operator' } as const satisfies Pick<RouteContract, 'auth'>;
/** A list filter the route checks itself (its refusal names the values it allows). */
const statusQuery = z.object({ status: z.string().optional() });

export const adminRoutes = {
  createAccount: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/accounts',
    summary: 'Create an account',
    body: createAccountSchema,
    responses: [{ status: 201, json: accountCreatedSchema }],
  }),
  listAccounts: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/accounts',
    summary: 'List accounts',
    responses: [{ status: 200, json: accountListSchema }],
  }),
  grantCredits: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/accounts/:id/credits',
    summary: 'Grant credits (idempotent)',
    body: grantCreditsSchema,
    responses: [{ status: 200, json: creditsGrantedSchema }],
  }),
  issueKey: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/keys',
    summary: 'Issue a key',
    body: createKeySchema,
    responses: [{ status: 201, json: issuedKeySchema }],
  }),
  listKeys: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/keys',
    summary: 'List keys (query: account_id)',
    query: z.object({ account_id: z.string().optional() }),
    responses: [{ status: 200, json: keyListSchema }],
  }),
  revokeKey: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/keys/:id/revoke',
    summary: 'Revoke a key',
    responses: [{ status: 200, json: revokedSchema }],
  }),
  registerEngine: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/engines',
    summary: 'Register an OpenAI-compatible engine for a model',
    body: registerEngineSchema,
    responses: [{ status: 201, json: engineRegisteredSchema }],
  }),
  listHosts: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/hosts',
    summary:
      'Hosts: status, models, reputation, misses, strikes, circuit, requests in flight, traffic share and capacity',
    responses: [{ status: 200, json: adminHostListSchema }],
  }),
  approveHost: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/hosts/:id/approve',
    summary: 'Approve a host (host admission: approval)',
    responses: [{ status: 200, json: hostApprovedSchema }],
  }),
  hostChecks: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/hosts/:id/checks',
    summary: "A host's verification checks and convictions",
    query: checksQuerySchema,
    responses: [{ status: 200, json: hostEvidenceSchema }],
  }),
  ledgerByKind: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/ledger',
    summary: 'Ledger balances summed per account kind',
    responses: [{ status: 200, json: ledgerKindsSchema }],
  }),
  checkLedger: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/ledger/check',
    summary: 'Reconcile the ledger: balances, transactions and epoch reports',
    responses: [{ status: 200, json: ledgerCheckSchema }],
  }),
  launchModel: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/models',
    summary:
      'Launch a model, or a new version of one, from a manifest (`agora models add`): a new version goes live only when its readiness probes pass on a host',
    body: modelLaunchSchema,
    // the tokenizer's files travel in the body, JSON-escaped
    bodyLimit: 2 * MAX_TOKENIZER_BYTES,
    responses: [{ status: 201, json: modelLaunchedSchema }],
  }),
  listModels: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/models',
    summary: 'Every model, disabled ones too, with its versions',
    responses: [{ status: 200, json: adminModelListSchema }],
  }),
  disableModel: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/models/:id/disable',
    summary: 'Unlist a model (its versions and hosts stay)',
    responses: [{ status: 200, json: modelStateSchema }],
  }),
  enableModel: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/models/:id/enable',
    summary: 'List a disabled model again',
    responses: [{ status: 200, json: modelStateSchema }],
  }),
  rollBackModel: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/models/:id/rollback',
    summary: 'Restore the version the live one replaced',
    responses: [{ status: 200, json: modelStateSchema }],
  }),
  setPriceBounds: defineContract({
    ...operator,
    method: 'PUT',
    url: '/admin/models/:id/pricing',
    summary: "Set a model's base and floor price",
    body: priceBoundsSchema,
    responses: [{ status: 200, json: modelPricingSchema }],
  }),
  setParameter: defineContract({
    ...operator,
    method: 'PUT',
    url: '/admin/parameters/:name',
    summary: 'Set an operator-owned market parameter (a governance-owned one is refused: only a proposal changes it)',
    body: operatorParameterSchema,
    responses: [{ status: 200, json: parameterSchema }],
  }),
  listTopUps: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/topups',
    summary: 'Top-ups (query: status)',
    query: statusQuery,
    responses: [{ status: 200, json: listOf(topUpSchema) }],
  }),
  confirmTopUp: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/topups/:id/confirm',
    summary: 'Confirm a payment received: credits arrive once',
    body: settlementSchema,
    responses: [{ status: 200, json: topUpSchema }],
  }),
  cancelTopUp: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/topups/:id/cancel',
    summary: 'Cancel a pending top-up',
    body: settlementSchema,
    responses: [{ status: 200, json: topUpSchema }],
  }),
  listPayouts: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/payouts',
    summary: 'Payouts (query: status)',
    query: statusQuery,
    responses: [{ status: 200, json: listOf(payoutSchema) }],
  }),
  markPayoutPaid: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/payouts/:id/paid',
    summary: 'Mark a payout paid (once)',
    body: settlementSchema,
    responses: [{ status: 200, json: payoutSchema }],
  }),
  markPayoutFailed: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/payouts/:id/failed',
    summary: 'Mark a payout failed: back to payable',
    body: settlementSchema,
    responses: [{ status: 200, json: payoutSchema }],
  }),
  listEpochs: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/epochs',
    summary: 'Epochs and their reports',
    responses: [{ status: 200, json: listOf(epochSchema) }],
  }),
  getEpoch: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/epochs/:number',
    summary: 'One epoch and its report',
    responses: [{ status: 200, json: epochSchema }],
  }),
  settleEpochs: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/epochs/settle',
    summary: 'Close due epochs and release held-back earnings now',
    responses: [{ status: 200, json: settledEpochsSchema }],
  }),
  listIncidents: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/incidents',
    summary: 'Open incidents and those resolved in the last 7 days',
    responses: [{ status: 200, json: incidentListSchema }],
  }),
  openIncident: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/incidents',
    summary: 'Open an incident',
    body: openIncidentSchema,
    responses: [{ status: 201, json: incidentSchema }],
  }),
  updateIncident: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/incidents/:id/updates',
    summary: "Add to an incident's timeline (status resolved closes it)",
    body: incidentUpdateSchema,
    responses: [{ status: 200, json: incidentSchema }],
  }),
  incidentSuggestions: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/incidents/suggestions',
    summary: 'Models whose error rate or missing hosts suggest an incident',
    responses: [{ status: 200, json: incidentSuggestionListSchema }],
  }),
  traffic: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/traffic',
    summary: 'Requests/s, error rate and latency percentiles over time (query: hours)',
    query: trafficQuerySchema,
    responses: [{ status: 200, json: trafficSchema }],
  }),
  verificationCost: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/verification/cost',
    summary:
      'Verification compute as a share of serving compute per model (re-scored ÷ served tokens, on this gateway instance since it started), over all answers and at steady state',
    responses: [{ status: 200, json: verificationCostListSchema }],
  }),
  listVerificationProfiles: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/verification/profiles',
    summary: 'The verification profiles installed, per SKU, engine kind and hardware class',
    responses: [{ status: 200, json: installedProfileListSchema }],
  }),
  installVerificationProfile: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/verification/profiles',
    summary:
      'Install the profile a calibration wrote (agora verify calibrate --out): it replaces the one of its SKU, engine kind and hardware class',
    body: calibrationFileSchema.loose(),
    responses: [{ status: 201, json: installedProfileSchema }],
  }),
  listAppeals: defineContract({
    ...operator,
    method: 'GET',
    url: '/admin/appeals',
    summary: 'Appeals of convictions',
    responses: [{ status: 200, json: appealListSchema }],
  }),
  decideAppeal: defineContract({
    ...operator,
    method: 'POST',
    url: '/admin/appeals/:id',
    summary: 'Grant or deny an appeal',
    body: appealDecisionSchema,
    responses: [{ status: 200, json: appealSchema }],
  }),
} as const;
