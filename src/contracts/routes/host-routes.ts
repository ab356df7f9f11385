// The host agent's /hosts surface as contracts: signed registration, heartbeats, and each host's own summary,
// traffic, maintenance windows, funds, bonds, payouts, epochs, verification checks and appeals.
import { usageSeriesQuerySchema } from '../console/console-requests.ts';
import { usageSeriesSchema } from '../console/usage-responses.ts';
import { bondRequestSchema, payoutRequestSchema } from '../economics/economics-requests.ts';
import {
  bondSchema,
  hostEpochListSchema,
  hostFundsSchema,
  payoutSchema,
  topUpRequestedSchema,
  unbondingSchema,
} from '../economics/economics-responses.ts';
import { heartbeatSchema, maintenanceRequestSchema, signedRegistrationSchema } from '../hosts/host-requests.ts';
import {
  heartbeatAckSchema,
  leftSchema,
  hostSummarySchema,
  maintenanceCancelledSchema,
  maintenanceListSchema,
  maintenanceWindowSchema,
  registeredSchema,
} from '../hosts/host-responses.ts';
import { defineContract, type RouteContract } from '../http/route-contract.ts';
import { listOf } from '../http/wire-values.ts';
import { appealRequestSchema, checksQuerySchema } from '../trust/trust-requests.ts';
import { appealSchema, hostEvidenceSchema } from '../trust/trust-responses.ts';

const host = { auth: 'host' } as const satisfies Pick<RouteContract, 'auth'>;

export const hostRoutes = {
  register: defineContract({
    method: 'POST',
    url: '/hosts/register',
    auth: 'public',
    summary: 'Register a host from its signed registration: its host token, status and admitted models',
    body: signedRegistrationSchema,
    responses: [
      { status: 201, json: registeredSchema, description: 'admitted: the host is active' },
      { status: 202, json: registeredSchema, description: 'registered, waiting for the operator’s approval' },
    ],
  }),
  heartbeat: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/heartbeat',
    summary: 'Say the host is alive, with its requests in flight',
    body: heartbeatSchema,
    bodyOptional: true,
    responses: [{ status: 200, json: heartbeatAckSchema }],
  }),
  leave: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/me/leave',
    summary:
      'Say the host stops: it gets no new requests from now on (its requests in flight finish); a heartbeat or a registration brings it back',
    responses: [{ status: 200, json: leftSchema }],
  }),
  me: defineContract({
    ...host,
    method: 'GET',
    url: '/hosts/me',
    summary: 'The host: models, traffic, earnings, misses, strikes, reputation, maintenance windows and capacity',
    responses: [{ status: 200, json: hostSummarySchema }],
  }),
  usageSeries: defineContract({
    ...host,
    method: 'GET',
    url: '/hosts/me/usage/series',
    summary: "The host's traffic per time bucket and model",
    query: usageSeriesQuerySchema,
    responses: [{ status: 200, json: usageSeriesSchema }],
  }),
  listMaintenance: defineContract({
    ...host,
    method: 'GET',
    url: '/hosts/me/maintenance',
    summary: "The host's maintenance windows",
    responses: [{ status: 200, json: maintenanceListSchema }],
  }),
  declareMaintenance: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/me/maintenance',
    summary: 'Declare a maintenance window (notice and capacity rules apply)',
    body: maintenanceRequestSchema,
    responses: [{ status: 201, json: maintenanceWindowSchema }],
  }),
  cancelMaintenance: defineContract({
    ...host,
    method: 'DELETE',
    url: '/hosts/me/maintenance/:id',
    summary: 'Cancel a maintenance window',
    responses: [{ status: 200, json: maintenanceCancelledSchema }],
  }),
  funds: defineContract({
    ...host,
    method: 'GET',
    url: '/hosts/me/funds',
    summary: 'Held-back, payable, bonded and unbonding funds (host token)',
    responses: [{ status: 200, json: hostFundsSchema }],
  }),
  bond: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/me/bond',
    summary: 'Bond part of the payable balance',
    body: bondRequestSchema,
    responses: [{ status: 201, json: bondSchema }],
  }),
  depositBond: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/me/bond/deposits',
    summary: 'Deposit a bond through the payment provider',
    body: bondRequestSchema,
    responses: [{ status: 201, json: topUpRequestedSchema }],
  }),
  unbond: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/me/unbond',
    summary: 'Withdraw bond after the unbonding period',
    body: bondRequestSchema,
    responses: [{ status: 201, json: unbondingSchema }],
  }),
  requestPayout: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/me/payouts',
    summary: 'Ask for a payout (Idempotency-Key header); without an amount, all that is payable',
    body: payoutRequestSchema,
    bodyOptional: true,
    headers: { 'Idempotency-Key': 'a retried request with the same key returns the first payout and moves nothing' },
    responses: [{ status: 201, json: payoutSchema }],
  }),
  listPayouts: defineContract({
    ...host,
    method: 'GET',
    url: '/hosts/me/payouts',
    summary: "The host's payouts",
    responses: [{ status: 200, json: listOf(payoutSchema) }],
  }),
  epochs: defineContract({
    ...host,
    method: 'GET',
    url: '/hosts/me/epochs',
    summary: "The host's requests, tokens, earnings and slashes per epoch",
    responses: [{ status: 200, json: hostEpochListSchema }],
  }),
  checks: defineContract({
    ...host,
    method: 'GET',
    url: '/hosts/me/checks',
    summary: "Verification checks of the host's responses, and its convictions",
    query: checksQuerySchema,
    responses: [{ status: 200, json: hostEvidenceSchema }],
  }),
  appeal: defineContract({
    ...host,
    method: 'POST',
    url: '/hosts/me/appeals',
    summary: 'Appeal a conviction',
    body: appealRequestSchema,
    responses: [{ status: 201, json: appealSchema }],
  }),
} as const;
