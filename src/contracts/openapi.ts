// OpenAPI 3.1 generated from the same zod schemas that validate requests, so the document cannot drift.
import { z } from 'zod';
import { chatCompletionRequestSchema, completionRequestSchema } from './openai/completion-request.ts';
import {
  bondRequestSchema,
  payoutRequestSchema,
  priceBoundsSchema,
  settlementSchema,
  topUpRequestSchema,
} from './economics/economics-requests.ts';
import { incidentUpdateSchema, openIncidentSchema, signInSchema } from './console/console-requests.ts';
import {
  createAccountSchema,
  createKeySchema,
  grantCreditsSchema,
  keyLimitsSchema,
  registerEngineSchema,
  signUpSchema,
} from './admin/admin-requests.ts';
import { heartbeatSchema, maintenanceRequestSchema, signedRegistrationSchema } from './hosts/host-requests.ts';
import { appealDecisionSchema, appealRequestSchema, disputeRequestSchema } from './trust/trust-requests.ts';

const json = (schema: z.ZodType) => ({
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } },
});
// Who may call each operation, as the route declares it: a bearer key or host token (a console session's cookie
// stands in for it), the console session alone, or anyone.
const bearer = [{ bearer: [] }];
const session = [{ session: [] }];
const open: never[] = [];
const errorResponses = {
  '400': { description: 'invalid request' },
  '401': { description: 'missing or unknown key' },
  '403': { description: 'not allowed' },
};

export function buildOpenApiDocument(serverUrl: string): object {
  const op = (summary: string, body?: z.ZodType, security: object[] = bearer, bodyRequired = true) => ({
    summary,
    security,
    ...(body ? { requestBody: { required: bodyRequired, ...json(body) } } : {}),
    responses: { '200': { description: 'success' }, ...errorResponses },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agora market API',
      version: '0.1.0',
      description: 'OpenAI-compatible inference market. See docs/api.md.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key, the operator key or a host token; a console session cookie stands in for it',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'agora_session',
          description: 'The console session (POST /console/session)',
        },
      },
    },
    paths: {
      '/v1/chat/completions': { post: op('Create a chat completion (streaming or not)', chatCompletionRequestSchema) },
      '/v1/completions': { post: op('Create a text completion (streaming or not)', completionRequestSchema) },
      '/v1/models': { get: op('List models with prices and SKUs', undefined, open) },
      '/v1/models/{id}': { get: op('One model', undefined, open) },
      '/v1/credits': { get: op('Balance, holds and spend per key') },
      '/v1/usage': {
        get: op(
          'Per-request usage records with billed cost (query: model, key, from, to, limit, after, format=json|csv); newest first, has_more says whether a next page exists',
        ),
      },
      '/v1/usage/series': {
        get: op('Usage summed per time bucket, model and key (query: bucket=minute|hour|day, model, key, from, to)'),
      },
      '/v1/keys': { post: op('Create an agent sub-key', keyLimitsSchema), get: op('List the account keys') },
      '/v1/keys/{id}/revoke': { post: op('Revoke a key of the account (and its sub-keys)') },
      '/v1/accounts': { post: op('Self-serve sign-up', signUpSchema, open) },
      '/admin/accounts': { post: op('Create an account', createAccountSchema), get: op('List accounts') },
      '/admin/accounts/{id}/credits': { post: op('Grant credits (idempotent)', grantCreditsSchema) },
      '/admin/keys': { post: op('Issue a key', createKeySchema), get: op('List keys') },
      '/admin/keys/{id}/revoke': { post: op('Revoke a key') },
      '/admin/engines': { post: op('Register an OpenAI-compatible engine for a model', registerEngineSchema) },
      '/v1/pricing': {
        get: op('Demand prices per model, with base, floor, ceiling and the next repricing', undefined, open),
      },
      '/v1/pricing/history': { get: op("A model's price history (query: model, limit)", undefined, open) },
      '/v1/topups': {
        post: op('Buy credits: a pending top-up with payment instructions', topUpRequestSchema),
        get: op("The account's top-ups"),
      },
      '/hosts/me/funds': { get: op('Held-back, payable, bonded and unbonding funds (host token)') },
      '/hosts/me/bond': { post: op('Bond part of the payable balance', bondRequestSchema) },
      '/hosts/me/bond/deposits': { post: op('Deposit a bond through the payment provider', bondRequestSchema) },
      '/hosts/me/unbond': { post: op('Withdraw bond after the unbonding period', bondRequestSchema) },
      '/hosts/me/payouts': {
        post: op(
          'Ask for a payout (Idempotency-Key header); without an amount, all that is payable',
          payoutRequestSchema,
          bearer,
          false,
        ),
        get: op("The host's payouts"),
      },
      '/admin/models/{id}/pricing': { put: op("Set a model's base and floor price", priceBoundsSchema) },
      '/admin/topups/{id}/confirm': { post: op('Confirm a payment received: credits arrive once', settlementSchema) },
      '/admin/topups/{id}/cancel': { post: op('Cancel a pending top-up', settlementSchema) },
      '/admin/payouts/{id}/paid': { post: op('Mark a payout paid (once)', settlementSchema) },
      '/admin/payouts/{id}/failed': { post: op('Mark a payout failed: back to payable', settlementSchema) },
      '/admin/epochs': { get: op('Epochs and their reports') },
      '/admin/epochs/settle': { post: op('Close due epochs and release held-back earnings now') },
      '/admin/ledger/check': { get: op('Reconcile the ledger: balances, transactions and epoch reports') },
      '/admin/ledger': { get: op('Ledger balances summed per account kind') },
      '/admin/traffic': { get: op('Requests/s, error rate and latency percentiles over time (query: hours)') },
      '/admin/incidents': {
        get: op('Open incidents and those resolved in the last 7 days'),
        post: op('Open an incident', openIncidentSchema),
      },
      '/admin/incidents/{id}/updates': {
        post: op("Add to an incident's timeline (status resolved closes it)", incidentUpdateSchema),
      },
      '/admin/incidents/suggestions': { get: op('Models whose error rate or missing hosts suggest an incident') },
      '/hosts/me/epochs': { get: op("The host's requests, tokens, earnings and slashes per epoch") },
      '/hosts/me/usage/series': { get: op("The host's traffic per time bucket and model") },
      '/status.json': {
        get: op(
          'Public status: per model state, hosts online, price, success rate, time to first token, uptime; incidents',
          undefined,
          open,
        ),
      },
      '/console/session': {
        post: op(
          'Sign in to the console with a key or host token: an HttpOnly session cookie and a CSRF token',
          signInSchema,
          open,
        ),
        get: op('The console session of the cookie; 401 without a live one', undefined, session),
        delete: op('Sign out (x-csrf-token header): 204, also when there is no live session', undefined, session),
      },
      '/v1/disputes': {
        post: op(
          "Dispute one of the account's responses: the host's answers are re-scored until its next check decides it",
          disputeRequestSchema,
        ),
        get: op("The account's disputes"),
      },
      '/hosts/register': {
        post: op(
          'Register a host from its signed registration: its host token, status and admitted models',
          signedRegistrationSchema,
          open,
        ),
      },
      '/hosts/heartbeat': {
        post: op('Say the host is alive, with its requests in flight', heartbeatSchema, bearer, false),
      },
      '/hosts/me': {
        get: op('The host: models, traffic, earnings, misses, strikes, reputation, maintenance windows and capacity'),
      },
      '/hosts/me/maintenance': {
        get: op("The host's maintenance windows"),
        post: op('Declare a maintenance window (notice and capacity rules apply)', maintenanceRequestSchema),
      },
      '/hosts/me/maintenance/{id}': { delete: op('Cancel a maintenance window') },
      '/hosts/me/checks': { get: op("Verification checks of the host's responses, and its convictions") },
      '/hosts/me/appeals': { post: op('Appeal a conviction', appealRequestSchema) },
      '/admin/hosts': {
        get: op(
          'Hosts: status, models, reputation, misses, strikes, circuit, requests in flight, traffic share and capacity',
        ),
      },
      '/admin/hosts/{id}/approve': { post: op('Approve a host (host admission: approval)') },
      '/admin/hosts/{id}/checks': { get: op("A host's verification checks and convictions") },
      '/admin/appeals': { get: op('Appeals of convictions') },
      '/admin/appeals/{id}': { post: op('Grant or deny an appeal', appealDecisionSchema) },
      '/admin/topups': { get: op('Top-ups (query: status)') },
      '/admin/payouts': { get: op('Payouts (query: status)') },
      '/admin/epochs/{number}': { get: op('One epoch and its report') },
      '/': { get: op('Redirects to /console', undefined, open) },
      '/console': { get: op('The web console (HTML)', undefined, open) },
      '/console/assets/{file}': { get: op("The console's script and style sheet", undefined, open) },
      '/status': { get: op('The public status page (HTML)', undefined, open) },
      '/healthz': { get: op('Liveness: the process answers', undefined, open) },
      '/readyz': { get: op('Readiness: the database answers (503 not_ready when it does not)', undefined, open) },
      '/metrics': { get: op('Prometheus metrics (text exposition format)', undefined, open) },
      '/openapi.json': { get: op('This document', undefined, open) },
    },
  };
}
