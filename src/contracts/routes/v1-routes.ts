// The buyer's /v1 surface as contracts: completions (JSON or server-sent events), models, prices, credits, usage,
// delegated keys, top-ups, disputes and self-serve sign-up.
import { keyLimitsSchema, signUpSchema } from '../admin/admin-requests.ts';
import { issuedKeySchema, keyListSchema, revokedSchema } from '../admin/admin-responses.ts';
import { usageQuerySchema, usageSeriesQuerySchema } from '../console/console-requests.ts';
import { creditsSchema, signedUpSchema, usagePageSchema, usageSeriesSchema } from '../console/usage-responses.ts';
import { priceHistoryQuerySchema, topUpRequestSchema } from '../economics/economics-requests.ts';
import {
  priceHistorySchema,
  pricingListSchema,
  topUpRequestedSchema,
  topUpSchema,
} from '../economics/economics-responses.ts';
import { defineContract } from '../http/route-contract.ts';
import { listOf } from '../http/wire-values.ts';
import { chatCompletionRequestSchema, completionRequestSchema } from '../openai/completion-request.ts';
import {
  chatCompletionSchema,
  completionStreamEventSchema,
  modelDetailSchema,
  modelListSchema,
  textCompletionSchema,
} from '../openai/completion-response.ts';
import { embeddingRequestSchema } from '../openai/embedding-request.ts';
import { embeddingListSchema } from '../openai/embedding-response.ts';
import { disputeRequestSchema } from '../trust/trust-requests.ts';
import { disputeListSchema, disputeSchema } from '../trust/trust-responses.ts';

const stream = {
  status: 200,
  contentType: 'text/event-stream',
  description: 'with `stream: true`: one chunk per `data:` event, then `data: [DONE]` (an error event ends it instead)',
  events: completionStreamEventSchema,
} as const;

export const v1Routes = {
  createChatCompletion: defineContract({
    method: 'POST',
    url: '/v1/chat/completions',
    auth: 'buyer',
    summary: 'Create a chat completion (streaming or not)',
    body: chatCompletionRequestSchema,
    responses: [{ status: 200, json: chatCompletionSchema }, stream],
  }),
  createCompletion: defineContract({
    method: 'POST',
    url: '/v1/completions',
    auth: 'buyer',
    summary: 'Create a text completion (streaming or not)',
    body: completionRequestSchema,
    responses: [{ status: 200, json: textCompletionSchema }, stream],
  }),
  createEmbedding: defineContract({
    method: 'POST',
    url: '/v1/embeddings',
    auth: 'buyer',
    summary: 'Create embeddings of a string, strings or token ids (models whose capabilities include embeddings)',
    body: embeddingRequestSchema,
    responses: [{ status: 200, json: embeddingListSchema }],
  }),
  listModels: defineContract({
    method: 'GET',
    url: '/v1/models',
    auth: 'public',
    summary: 'List models with prices and SKUs',
    responses: [{ status: 200, json: modelListSchema }],
  }),
  getModel: defineContract({
    method: 'GET',
    url: '/v1/models/:id',
    auth: 'public',
    summary: 'One model, with the verification profiles that judge its hosts and the date each was measured',
    responses: [{ status: 200, json: modelDetailSchema }],
  }),
  getPricing: defineContract({
    method: 'GET',
    url: '/v1/pricing',
    auth: 'public',
    summary: 'Demand prices per model, with base, floor, ceiling and the next repricing',
    responses: [{ status: 200, json: pricingListSchema }],
  }),
  getPriceHistory: defineContract({
    method: 'GET',
    url: '/v1/pricing/history',
    auth: 'public',
    summary: "A model's price history (query: model, limit)",
    query: priceHistoryQuerySchema,
    responses: [{ status: 200, json: priceHistorySchema }],
  }),
  getCredits: defineContract({
    method: 'GET',
    url: '/v1/credits',
    auth: 'buyer',
    summary: 'Balance, holds and spend per key',
    responses: [{ status: 200, json: creditsSchema }],
  }),
  listUsage: defineContract({
    method: 'GET',
    url: '/v1/usage',
    auth: 'buyer',
    summary:
      'Per-request usage records with billed cost (query: model, key, from, to, limit, after, format=json|csv); newest first, has_more says whether a next page exists',
    query: usageQuerySchema,
    responses: [
      { status: 200, json: usagePageSchema },
      { status: 200, contentType: 'text/csv', description: 'with `format=csv`: the same records as a CSV download' },
    ],
  }),
  getUsageSeries: defineContract({
    method: 'GET',
    url: '/v1/usage/series',
    auth: 'buyer',
    summary: 'Usage summed per time bucket, model and key (query: bucket=minute|hour|day, model, key, from, to)',
    query: usageSeriesQuerySchema,
    responses: [{ status: 200, json: usageSeriesSchema }],
  }),
  createKey: defineContract({
    method: 'POST',
    url: '/v1/keys',
    auth: 'buyer',
    summary: 'Create an agent sub-key',
    body: keyLimitsSchema,
    bodyOptional: true,
    responses: [{ status: 201, json: issuedKeySchema }],
  }),
  listKeys: defineContract({
    method: 'GET',
    url: '/v1/keys',
    auth: 'buyer',
    summary: 'List the account keys',
    responses: [{ status: 200, json: keyListSchema }],
  }),
  revokeKey: defineContract({
    method: 'POST',
    url: '/v1/keys/:id/revoke',
    auth: 'buyer',
    summary: 'Revoke a key of the account (and its sub-keys)',
    responses: [{ status: 200, json: revokedSchema }],
  }),
  signUp: defineContract({
    method: 'POST',
    url: '/v1/accounts',
    auth: 'public',
    summary: 'Self-serve sign-up',
    body: signUpSchema,
    responses: [{ status: 201, json: signedUpSchema }],
  }),
  requestTopUp: defineContract({
    method: 'POST',
    url: '/v1/topups',
    auth: 'buyer',
    summary: 'Buy credits: a pending top-up with payment instructions',
    body: topUpRequestSchema,
    responses: [{ status: 201, json: topUpRequestedSchema }],
  }),
  listTopUps: defineContract({
    method: 'GET',
    url: '/v1/topups',
    auth: 'buyer',
    summary: "The account's top-ups",
    responses: [{ status: 200, json: listOf(topUpSchema) }],
  }),
  openDispute: defineContract({
    method: 'POST',
    url: '/v1/disputes',
    auth: 'buyer',
    summary: "Dispute one of the account's responses: the host's answers are re-scored until its next check decides it",
    body: disputeRequestSchema,
    responses: [{ status: 201, json: disputeSchema }],
  }),
  listDisputes: defineContract({
    method: 'GET',
    url: '/v1/disputes',
    auth: 'buyer',
    summary: "The account's disputes",
    responses: [{ status: 200, json: disputeListSchema }],
  }),
} as const;
