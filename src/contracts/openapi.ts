// OpenAPI 3.1 generated from the same zod schemas that validate requests, so the document cannot drift.
import { z } from 'zod';
import { chatCompletionRequestSchema, completionRequestSchema } from './openai/completion-request.ts';
import { bondRequestSchema, payoutRequestSchema, priceBoundsSchema, settlementSchema, topUpRequestSchema } from './economics/economics-requests.ts';
import { incidentUpdateSchema, openIncidentSchema, signInSchema } from './console/console-requests.ts';
import { createAccountSchema, createKeySchema, grantCreditsSchema, keyLimitsSchema, registerEngineSchema, signUpSchema } from './admin/admin-requests.ts';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const bearer = [{ bearer: [] }];
const errorResponses = { '400': { description: 'invalid request' }, '401': { description: 'missing or unknown key' }, '403': { description: 'not allowed' } };

export function buildOpenApiDocument(serverUrl: string): object {
  const op = (summary: string, body?: z.ZodType, security = bearer) => ({
    summary,
    security,
    ...(body ? { requestBody: { required: true, ...json(body) } } : {}),
    responses: { '200': { description: 'success' }, ...errorResponses },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Agora market API', version: '0.1.0', description: 'OpenAI-compatible inference market. See docs/api.md.' },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/v1/chat/completions': { post: op('Create a chat completion (streaming or not)', chatCompletionRequestSchema) },
      '/v1/completions': { post: op('Create a text completion (streaming or not)', completionRequestSchema) },
      '/v1/models': { get: op('List models with prices and SKUs', undefined, []) },
      '/v1/models/{id}': { get: op('One model', undefined, []) },
      '/v1/credits': { get: op('Balance, holds and spend per key') },
      '/v1/usage': { get: op('Per-request usage records with billed cost (query: model, key, from, to, limit, after, format=json|csv); newest first, has_more says whether a next page exists') },
      '/v1/usage/series': { get: op('Usage summed per time bucket, model and key (query: bucket=minute|hour|day, model, key, from, to)') },
      '/v1/keys': { post: op('Create an agent sub-key', keyLimitsSchema), get: op('List the account keys') },
      '/v1/keys/{id}/revoke': { post: op('Revoke a key of the account (and its sub-keys)') },
      '/v1/accounts': { post: op('Self-serve sign-up', signUpSchema, []) },
      '/admin/accounts': { post: op('Create an account', createAccountSchema), get: op('List accounts') },
      '/admin/accounts/{id}/credits': { post: op('Grant credits (idempotent)', grantCreditsSchema) },
      '/admin/keys': { post: op('Issue a key', createKeySchema), get: op('List keys') },
      '/admin/keys/{id}/revoke': { post: op('Revoke a key') },
      '/admin/engines': { post: op('Register an OpenAI-compatible engine for a model', registerEngineSchema) },
      '/v1/pricing': { get: op('Demand prices per model, with base, floor, ceiling and the next repricing', undefined, []) },
      '/v1/pricing/history': { get: op('A model\'s price history (query: model, limit)', undefined, []) },
      '/v1/topups': { post: op('Buy credits: a pending top-up with payment instructions', topUpRequestSchema), get: op('The account\'s top-ups') },
      '/hosts/me/funds': { get: op('Held-back, payable, bonded and unbonding funds (host token)') },
      '/hosts/me/bond': { post: op('Bond part of the payable balance', bondRequestSchema) },
      '/hosts/me/bond/deposits': { post: op('Deposit a bond through the payment provider', bondRequestSchema) },
      '/hosts/me/unbond': { post: op('Withdraw bond after the unbonding period', bondRequestSchema) },
      '/hosts/me/payouts': { post: op('Ask for a payout (Idempotency-Key header)', payoutRequestSchema), get: op('The host\'s payouts') },
      '/admin/models/{id}/pricing': { put: op('Set a model\'s base and floor price', priceBoundsSchema) },
      '/admin/topups/{id}/confirm': { post: op('Confirm a payment received: credits arrive once', settlementSchema) },
      '/admin/topups/{id}/cancel': { post: op('Cancel a pending top-up', settlementSchema) },
      '/admin/payouts/{id}/paid': { post: op('Mark a payout paid (once)', settlementSchema) },
      '/admin/payouts/{id}/failed': { post: op('Mark a payout failed: back to payable', settlementSchema) },
      '/admin/epochs': { get: op('Epochs and their reports') },
      '/admin/epochs/settle': { post: op('Close due epochs and release held-back earnings now') },
      '/admin/ledger/check': { get: op('Reconcile the ledger: balances, transactions and epoch reports') },
      '/admin/ledger': { get: op('Ledger balances summed per account kind') },
      '/admin/traffic': { get: op('Requests/s, error rate and latency percentiles over time (query: hours)') },
      '/admin/incidents': { get: op('Open incidents and those resolved in the last 7 days'), post: op('Open an incident', openIncidentSchema) },
      '/admin/incidents/{id}/updates': { post: op('Add to an incident\'s timeline (status resolved closes it)', incidentUpdateSchema) },
      '/admin/incidents/suggestions': { get: op('Models whose error rate or missing hosts suggest an incident') },
      '/hosts/me/epochs': { get: op('The host\'s requests, tokens, earnings and slashes per epoch') },
      '/hosts/me/usage/series': { get: op('The host\'s traffic per time bucket and model') },
      '/status.json': { get: op('Public status: per model state, hosts online, price, success rate, time to first token, uptime; incidents', undefined, []) },
      '/console/session': {
        post: op('Sign in to the console with a key or host token: an HttpOnly session cookie and a CSRF token', signInSchema, []),
        get: op('The console session of the cookie', undefined, []),
        delete: op('Sign out (x-csrf-token header)', undefined, []),
      },
    },
  };
}
