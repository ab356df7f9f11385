// Step 1 of the paid path, admit: the key may use the model, the prompt is metered by the market's own tokenizer,
// the price is locked, the worst case (the prompt once, max_tokens for each of the n choices) is held against the
// key's credits and limits, and the model's admission
// queue gives the request a slot. A request refused at any point leaves nothing behind (rate ticket and hold are
// returned); one admitted carries all of it to the later steps.
import { firstUnknownBiasToken } from '../../../domain/sampling/logit-adjustments.ts';
import { holdFor, type LockedPrice } from '../../../domain/ledger/request-cost.ts';
import type { Hold, SpendBudget } from '../../billing/spend-budget.ts';
import type { KeyRateLimiter, RateTicket } from '../../limits/key-rate-limiter.ts';
import type { AdmissionQueue, AdmissionSlot } from '../admission-queue.ts';
import type { HostRouter, RouteQuery } from '../host-router.ts';
import type { CatalogModel, MarketCatalog, ModelRoute } from '../market-catalog.ts';
import { overloaded } from '../overload-answers.ts';
import { embeddingInputIds } from '../embedding-metering.ts';
import { promptTokenIds } from '../prompt-metering.ts';
import { checkToolRequest } from '../tool-request.ts';
import { affinityKey } from './affinity-key.ts';
import { contextExceeded, holdRefusal, noHostAvailable, unknownBiasToken } from './admit-refusals.ts';
import { modelRoutes } from './model-routes.ts';
import type { CompletionInput, EmbeddingInput, PaidInput } from './paid-request.ts';
import { lockPrice } from './price-lock.ts';

export type AdmitDeps = {
  catalog: MarketCatalog;
  router: HostRouter;
  budget: SpendBudget;
  rateLimiter: KeyRateLimiter;
  /** per-model slots and bounded queues: overload is shed with 503 before any host is asked */
  admission: AdmissionQueue;
};

/** An admitted request: what it may cost and where it may go, and what it holds until it is settled. */
export type Admitted = {
  model: CatalogModel;
  /** the prompt as the market tokenized it (the verifier teacher-forces the same ids); embeddings: every input's */
  promptIds: number[];
  /** embeddings: each input's ids as the market tokenized it (the verifier embeds the same ids) */
  inputIds: number[][];
  promptTokens: number;
  /** the completion tokens each choice may use: what it asked for, within the model's cap and context */
  maxTokens: number;
  /** the choices asked for (n; 1 for embeddings): the hold covers maxTokens for each */
  choiceCount: number;
  price: LockedPrice;
  query: RouteQuery;
  /** the hosts that serve at the locked price, in routing order when the request was admitted */
  candidates: ModelRoute[];
  rate: RateTicket;
  hold: Hold;
  slot: AdmissionSlot;
};

export async function admit(deps: AdmitDeps, input: PaidInput): Promise<Admitted> {
  if (input.kind === 'chat') checkToolRequest(input.body);
  const { model, routes } = modelRoutes(deps.catalog, input);
  if (input.kind !== 'embeddings') {
    const unknownBias = firstUnknownBiasToken(
      input.body.logit_bias ?? {},
      (id) => model.tokenizer.decode([id]) !== undefined,
    );
    if (unknownBias !== undefined) throw unknownBiasToken(model, unknownBias);
  }
  const { inputIds, maxTokens } =
    input.kind === 'embeddings' ? embeddingSize(model, input.body.input) : completionSize(model, input);
  const promptIds = inputIds.flat();
  const promptTokens = promptIds.length;
  // An embedding has no conversation whose cache a host could keep.
  const affinity = input.kind === 'embeddings' ? undefined : affinityKey(input, model.id);
  const query: RouteQuery = { modelId: model.id, routes, affinityKey: affinity };
  const available = deps.router.candidates(query);
  if (available.length === 0) throw noHostAvailable(model.id);
  const choiceCount = input.kind === 'embeddings' ? 1 : (input.body.n ?? 1);
  const completionTokens = maxTokens * choiceCount;
  const { price, candidates } = lockPrice(model, available, input, { promptTokens, completionTokens });
  const rate = deps.rateLimiter.admit(input.key, promptTokens + completionTokens);
  const worstCase = holdFor(price, promptTokens, completionTokens);
  const held = await deps.budget.hold(input.key, worstCase);
  if (!held.ok) {
    rate.settle(0);
    throw holdRefusal(held, {
      hold: worstCase,
      price,
      promptTokens,
      maxTokens,
      choiceCount,
      kind: input.kind === 'embeddings' ? 'embeddings' : 'completion',
    });
  }
  // Admitted after the hold, so a buyer who cannot pay hears 402/403 rather than "busy"; shed, the hold is released.
  const admitted = await deps.admission.admit(model.id, deps.router.slotsOnline(model.routes), input.signal);
  if (!admitted.ok) {
    rate.settle(0);
    deps.budget.settle(held.hold, 0n, undefined);
    throw overloaded(model.id, admitted.reason, admitted.retryAfterSeconds);
  }
  const { slot } = admitted;
  const { hold } = held;
  return {
    model,
    promptIds,
    inputIds,
    promptTokens,
    maxTokens,
    choiceCount,
    price,
    query,
    candidates,
    rate,
    hold,
    slot,
  };
}

type RequestSize = { inputIds: number[][]; maxTokens: number };

/** A completion: its prompt, and the completion tokens it may use (what it asked for, within cap and context). */
function completionSize(model: CatalogModel, input: CompletionInput): RequestSize {
  const promptIds = promptTokenIds(model.tokenizer, input);
  const room = model.contextLength - promptIds.length;
  if (room < 1) throw contextExceeded(model, promptIds.length);
  const asked =
    (input.kind === 'chat' ? input.body.max_completion_tokens : undefined) ??
    input.body.max_tokens ??
    model.defaultMaxTokens;
  return { inputIds: [promptIds], maxTokens: Math.min(asked, model.maxTokensCap, room) };
}

/** Embeddings: every input, each within the context (an engine embeds one input in one pass); no completion. */
function embeddingSize(model: CatalogModel, input: EmbeddingInput['body']['input']): RequestSize {
  const inputIds = embeddingInputIds(model.tokenizer, input);
  const longest = Math.max(...inputIds.map((ids) => ids.length));
  if (longest >= model.contextLength) throw contextExceeded(model, longest, 'input');
  return { inputIds, maxTokens: 0 };
}
