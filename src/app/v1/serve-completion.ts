// The paid request path: check the key's scope, meter the prompt, lock the price, hold the most the request can
// cost, forward to a host (retrying another before the first byte), count the completion tokens ourselves, then
// capture the actual cost and release the rest. The response streams through as it comes.
import { receiptMessage, type ResponseReceipt } from '../../contracts/hosts/response-receipt.ts';
import { ApiError, invalidRequest } from '../../contracts/openai/error-envelope.ts';
import type { ProviderPreferences } from '../../contracts/openai/provider-preferences.ts';
import type { ChatCompletionRequest, CompletionRequest } from '../../contracts/openai/completion-request.ts';
import { firstUnsupportedParameter } from '../../domain/engines/engine-capabilities.ts';
import { captureTransaction } from '../../domain/ledger/transaction.ts';
import { costOf, holdFor, maxTokensWithin, type LockedPrice } from '../../domain/ledger/request-cost.ts';
import { formatNanos, type Nanos, type RevenueSplit } from '../../domain/money/nanos.ts';
import type { SpendBudget, Hold, HoldRefusal } from '../billing/spend-budget.ts';
import type { Durability } from '../billing/billing-batcher.ts';
import type { KeyRateLimiter } from '../limits/key-rate-limiter.ts';
import { utcDay } from '../billing/utc-day.ts';
import { type ApiKeyRecord, type Clock, type CompletionMetrics, type EngineClient, type Logger } from '../ports.ts';
import type { Scheduler } from '../ports.ts';
import type { HostAttempt, HostRouter, RouteQuery } from './host-router.ts';
import { NoHostAnswered, raceHosts, RequestRefused, type FirstAnswer, type Winner } from './host-race.ts';
import type { CatalogModel, MarketCatalog, ModelRoute } from './market-catalog.ts';
import { promptTokenIds } from './prompt-metering.ts';
import { routesNow, type AdmissionQueue } from './admission-queue.ts';
import { noHostAnswer, overloaded } from './overload-answers.ts';
import { meterCompletion } from './completion-metering.ts';
import { completionPositions, completionText, shapeChoiceLogprobs } from './upstream-output.ts';
import type { ResponseSampler } from '../verification/response-sampling.ts';
import { VERIFY_TOP_K, type ClaimedPosition } from '../../domain/verification/response-check.ts';
import type { TokenPrices } from '../../domain/pricing/demand-price.ts';
import { admissionPrice, isPricedOut, servesAt, type WorstCase } from '../../domain/pricing/host-asks.ts';

export type CompletionInput =
  | { kind: 'chat'; body: ChatCompletionRequest; key: ApiKeyRecord; requestId: string; signal: AbortSignal }
  | { kind: 'text'; body: CompletionRequest; key: ApiKeyRecord; requestId: string; signal: AbortSignal };

export type StreamEvent = object | '[DONE]';
export type Served =
  { kind: 'json'; body: object } | { kind: 'stream'; events: AsyncGenerator<StreamEvent, void, undefined> };

export type ServeCompletionDeps = {
  catalog: MarketCatalog;
  router: HostRouter;
  budget: SpendBudget;
  rateLimiter: KeyRateLimiter;
  engines: EngineClient;
  clock: Clock;
  logger: Logger;
  metrics: CompletionMetrics;
  split: RevenueSplit;
  verifySignature(publicKey: string, text: string, signature: string): boolean;
  /** models whose requests hedge unless the request or key says `hedge: false` */
  hedgedModels: ReadonlySet<string>;
  /** hosts' usage claims that were not the count of their own token ids */
  strikes: { add(hostId: string): void };
  /** keeps some finished responses for re-scoring against the reference engine */
  sampler: ResponseSampler;
  /** per-model slots and bounded queues: overload is shed with 503 before any host is asked */
  admission: AdmissionQueue;
  /** the hedge's timer */
  scheduler: Pick<Scheduler, 'after'>;
};

const AGORA_EXTENSIONS = ['usage', 'provider'] as const;

/**
 * Host answers that blame the request itself, with the status the buyer gets: another host would say the same.
 * Any other refusal (429 busy, 401/403/404 a host misconfigured, 5xx) is the host's problem: try the next one.
 */
const REQUEST_FAULTS = new Map([
  [400, 400],
  [413, 413],
  [422, 400],
]);

/** A buyer may pin the SKU's quantization: `model@quant`. */
function parseModelName(name: string): { id: string; quantization: string | undefined } {
  const at = name.lastIndexOf('@');
  return at <= 0 ? { id: name, quantization: undefined } : { id: name.slice(0, at), quantization: name.slice(at + 1) };
}

/** The key's standing provider preferences, overridden field by field by the request's own. */
function preferencesOf(input: CompletionInput): ProviderPreferences {
  return { ...input.key.providerPreferences, ...input.body.provider };
}

/**
 * The routes this request may use: the engine supports its parameters, the buyer's preferences pass, and the host's
 * ask is within the model's ceiling (a host asking more is priced out). Price is decided later, among the hosts that
 * can take the request now (`lockPrice`).
 */
function modelFor(deps: ServeCompletionDeps, input: CompletionInput): { model: CatalogModel; routes: ModelRoute[] } {
  const wanted = parseModelName(input.body.model);
  const model = deps.catalog.get(wanted.id);
  if (!model)
    throw new ApiError(404, 'not_found_error', `The model '${wanted.id}' does not exist.`, 'model_not_found', 'model');
  if (wanted.quantization !== undefined && wanted.quantization !== model.quantization) {
    throw new ApiError(
      404,
      'not_found_error',
      `The model '${model.id}' is sold as ${model.quantization}, not ${wanted.quantization}.`,
      'sku_not_found',
      'model',
    );
  }
  if (input.key.models && !input.key.models.includes(model.id)) {
    throw new ApiError(
      403,
      'permission_error',
      `This key may not use the model '${model.id}'.`,
      'model_not_allowed',
      'model',
    );
  }
  if (model.routes.length === 0)
    throw new ApiError(503, 'service_unavailable', `No host is serving '${model.id}' right now.`, 'no_host_available');
  const preferences = preferencesOf(input);
  if (preferences.quantizations && !preferences.quantizations.includes(model.quantization)) {
    throw new ApiError(
      404,
      'not_found_error',
      `The model '${model.id}' is sold as ${model.quantization} only, which provider.quantizations excludes.`,
      'no_host_matches_preferences',
      'provider.quantizations',
    );
  }
  const withinCeiling = model.routes.filter((r) => !isPricedOut(r.ask, model.ceiling));
  if (withinCeiling.length === 0) {
    const ceiling = `${formatNanos(model.ceiling.prompt)} / ${formatNanos(model.ceiling.completion)} per prompt / completion token`;
    throw new ApiError(
      503,
      'service_unavailable',
      `Every host of '${model.id}' asks more than its price ceiling (${ceiling}).`,
      'no_host_available',
    );
  }
  const preferred = withinCeiling.filter(
    (r) => (!preferences.only || preferences.only.includes(r.host.id)) && !preferences.ignore?.includes(r.host.id),
  );
  if (preferred.length === 0)
    throw new ApiError(
      404,
      'not_found_error',
      `No host of '${model.id}' matches provider.only / provider.ignore.`,
      'no_host_matches_preferences',
      'provider',
    );
  const routes = preferred.filter((r) => firstUnsupportedParameter(r.capabilities, input.body) === undefined);
  if (routes.length === 0) {
    const param = firstUnsupportedParameter((preferred[0] as ModelRoute).capabilities, input.body) ?? null;
    throw invalidRequest(`The model '${model.id}' does not support '${param}'.`, param, 'unsupported_parameter');
  }
  return { model, routes };
}

/**
 * The price this request is locked at, and the hosts that serve at it: the market price, raised to the cheapest ask
 * among the hosts able to take it now, so a request is never refused for price while one of them is up
 * (docs/decisions/010-price-liveness.md). Only the buyer's own `provider.max_price` can refuse it.
 */
function lockPrice(
  model: CatalogModel,
  available: ModelRoute[],
  input: CompletionInput,
  worst: WorstCase,
): { price: LockedPrice; candidates: ModelRoute[] } {
  const market = { prompt: model.promptPrice, completion: model.completionPrice };
  // `available` holds only hosts within the ceiling (modelFor), so one of them always sets a price.
  const locked = admissionPrice(
    market,
    available.map((r) => r.ask),
    model.ceiling,
    worst,
  ) as TokenPrices;
  const maxPrice = preferencesOf(input).max_price ?? {};
  if (
    (maxPrice.prompt !== undefined && locked.prompt > maxPrice.prompt) ||
    (maxPrice.completion !== undefined && locked.completion > maxPrice.completion)
  ) {
    const price = `${formatNanos(locked.prompt)} / ${formatNanos(locked.completion)}`;
    throw new ApiError(
      404,
      'not_found_error',
      `The price of '${model.id}' (${price} per prompt / completion token) is above provider.max_price.`,
      'no_host_matches_preferences',
      'provider.max_price',
    );
  }
  return {
    price: { promptNanos: locked.prompt, completionNanos: locked.completion },
    candidates: available.filter((r) => servesAt(r.ask, locked)),
  };
}

/** Conversations keep their host (its KV cache) across turns: the key is everything up to the first user turn. */
function affinityKey(input: CompletionInput, modelId: string): string {
  const prefix =
    input.kind === 'chat'
      ? input.body.messages.slice(0, input.body.messages.findIndex((m) => m.role === 'user') + 1)
      : String(input.body.prompt).slice(0, 2048);
  return fnv1a(`${modelId}\n${JSON.stringify(prefix)}`);
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}

/** How many top logprobs per token the buyer asked for; null: none. */
function buyerTopLogprobs(input: CompletionInput): number | null {
  if (input.kind === 'chat') return input.body.logprobs ? (input.body.top_logprobs ?? 0) : null;
  return input.body.logprobs ?? null;
}

function upstreamBody(input: CompletionInput, route: ModelRoute, maxTokens: number): Record<string, unknown> {
  const body: Record<string, unknown> = { ...input.body, model: route.upstreamModel, max_tokens: maxTokens };
  for (const extension of AGORA_EXTENSIONS) delete body[extension];
  delete body.max_completion_tokens;
  if (input.body.stream) body.stream_options = { include_usage: true };
  // Every request asks for token ids and the verifier's top-k where the engine can give them (so no host can tell
  // a checked answer from another); they are cut back to what the buyer asked for.
  const topK = Math.max(buyerTopLogprobs(input) ?? 0, VERIFY_TOP_K);
  if (input.kind === 'chat' && route.capabilities.tokenIdsInChatLogprobs) {
    body.logprobs = true;
    body.top_logprobs = topK;
  }
  if (input.kind === 'text' && route.capabilities.tokenIdsInCompletionLogprobs) body.logprobs = topK;
  return body;
}

/** The answer's capture could not be written before the give-up time: it is not charged, so it is not delivered. */
const notRecorded = () =>
  new ApiError(
    503,
    'service_unavailable',
    'The billing database is unavailable, so this answer could not be recorded; nothing was charged. Retry shortly.',
    'billing_unavailable',
    null,
    { 'retry-after': '1' },
  );

/** The worst case this request was held for, and what it would take to fit what the key's limits leave. */
type HoldContext = { hold: Nanos; price: LockedPrice; promptTokens: number; maxTokens: number };

function refusal(refused: HoldRefusal, context: HoldContext): ApiError {
  if (refused.reason === 'key_inactive')
    return new ApiError(403, 'permission_error', 'This key is revoked or expired.', 'key_inactive');
  if (refused.reason !== 'spend_limit') {
    const worstCase = `prompt + max_tokens ${context.maxTokens} at the locked price: ${formatNanos(context.hold)}`;
    return new ApiError(
      402,
      'insufficient_quota',
      `The account does not have enough credits for this request's worst case (${worstCase}).`,
      'insufficient_credits',
    );
  }
  const { price, promptTokens, maxTokens } = context;
  const fits = maxTokensWithin(price, promptTokens, refused.remainingNanos);
  const fix =
    fits > 0n
      ? `lower max_tokens to ${fits} or less`
      : 'not even one completion token fits after this prompt: shorten the prompt';
  return new ApiError(
    403,
    'permission_error',
    `This request's worst case (prompt ${promptTokens} tokens + max_tokens ${maxTokens}, at the locked price) is ${formatNanos(context.hold)}, ` +
      `but the key's spend limits (its own and its parent keys', daily and total) leave ${formatNanos(refused.remainingNanos)}. To fit, ${fix}; or ask for a higher limit.`,
    'spend_limit_exceeded',
    'max_tokens',
  );
}

export async function serveCompletion(deps: ServeCompletionDeps, input: CompletionInput): Promise<Served> {
  const { model, routes } = modelFor(deps, input);
  const promptIds = promptTokenIds(model.tokenizer, input);
  const promptTokens = promptIds.length;
  const room = model.contextLength - promptTokens;
  if (room < 1) {
    throw invalidRequest(
      `The prompt has ${promptTokens} tokens; '${model.id}' has a context of ${model.contextLength}.`,
      'messages',
      'context_length_exceeded',
    );
  }
  const asked =
    (input.kind === 'chat' ? input.body.max_completion_tokens : undefined) ??
    input.body.max_tokens ??
    model.defaultMaxTokens;
  const maxTokens = Math.min(asked, model.maxTokensCap, room);
  const query: RouteQuery = { modelId: model.id, routes, affinityKey: affinityKey(input, model.id) };
  const available = deps.router.candidates(query);
  if (available.length === 0)
    throw new ApiError(
      503,
      'service_unavailable',
      `No host of '${model.id}' is available right now (all down or at capacity); retry shortly.`,
      'no_host_available',
      null,
      { 'retry-after': '1' },
    );
  const { price, candidates } = lockPrice(model, available, input, { promptTokens, completionTokens: maxTokens });
  const rate = deps.rateLimiter.admit(input.key, promptTokens + maxTokens);
  const worstCase = holdFor(price, promptTokens, maxTokens);
  const held = await deps.budget.hold(input.key, worstCase);
  if (!held.ok) {
    rate.settle(0);
    throw refusal(held, { hold: worstCase, price, promptTokens, maxTokens });
  }
  const hold: Hold = held.hold;
  // Admitted after the hold, so a buyer who cannot pay hears 402/403 rather than "busy"; shed, the hold is released.
  const admitted = await deps.admission.admit(model.id, deps.router.slotsOnline(model.routes), input.signal);
  if (!admitted.ok) {
    rate.settle(0);
    deps.budget.settle(hold, 0n, undefined);
    throw overloaded(model.id, admitted.reason, admitted.retryAfterSeconds);
  }

  let settled = false;
  /** how the request was routed, for its usage record and the metrics */
  let routing: { attempts: number; hedged: boolean; served?: HostAttempt } = { attempts: 0, hedged: false };
  /** Settles once; `recorded` resolves when the capture is durable (or abandoned: then nothing was charged). */
  const settle = (
    hostId: string | null,
    completionTokens: number,
    status: string,
    receipt: ResponseReceipt | null = null,
  ): { cost: Nanos; recorded: Promise<Durability> } => {
    if (settled) return { cost: 0n, recorded: Promise.resolve('durable') };
    settled = true;
    admitted.slot.release();
    const upstream = hostId === null ? undefined : routing.served?.elapsed();
    deps.metrics.completed({ modelId: model.id, status, ...(upstream ? { upstream } : {}) });
    const tokensBilled = hostId === null ? 0 : promptTokens;
    const cost = hostId === null ? 0n : costOf(price, tokensBilled, completionTokens, maxTokens);
    const delivered = Math.min(completionTokens, maxTokens);
    rate.settle(hostId === null ? 0 : tokensBilled + delivered);
    const recorded = deps.budget.settle(hold, cost, {
      type: 'capture',
      leaseId: hold.leaseId,
      keyId: input.key.id,
      day: utcDay(deps.clock.nowMs()),
      transaction:
        hostId === null
          ? undefined
          : captureTransaction(input.requestId, input.key.accountId, hostId, cost, deps.split),
      usage: {
        requestId: input.requestId,
        accountId: input.key.accountId,
        keyId: input.key.id,
        keyPrefix: input.key.prefix,
        modelId: model.id,
        hostId,
        promptTokens: tokensBilled,
        completionTokens: hostId === null ? 0 : delivered,
        promptPrice: price.promptNanos,
        completionPrice: price.completionNanos,
        cost,
        status,
        attempts: routing.attempts,
        hedged: routing.hedged,
        receipt,
      },
    });
    return { cost, recorded };
  };

  /** The receipt as evidence: its signature kept only if it is the host's, over these exact digests. */
  const verifiedReceipt = (route: ModelRoute, receipt: ResponseReceipt | undefined): ResponseReceipt | null => {
    if (!receipt) return null;
    const { publicKey } = route.host;
    if (publicKey === null) return { ...receipt, signature: null };
    const message = receiptMessage(input.requestId, receipt.requestDigest, receipt.responseDigest);
    const valid = receipt.signature !== null && deps.verifySignature(publicKey, message, receipt.signature);
    if (!valid)
      deps.logger.warn(
        { host: route.host.id, requestId: input.requestId },
        "the host's receipt is missing or does not verify",
      );
    return { ...receipt, signature: valid ? receipt.signature : null };
  };

  /** Completion tokens by the market's count; a host claiming another count than its own ids gets a strike. */
  const meter = (route: ModelRoute, hostIds: readonly number[] | undefined, text: string, claimed: unknown): number => {
    const count = meterCompletion(model.tokenizer, text, hostIds, typeof claimed === 'number' ? claimed : undefined);
    if (count.usageClaimMismatch) {
      deps.strikes.add(route.host.id);
      deps.logger.warn(
        { host: route.host.id, requestId: input.requestId, ...count.usageClaimMismatch },
        "the host's usage claim is not the count of its own token ids: a strike",
      );
    }
    return count.tokens;
  };

  /** Offers the finished response to the sampler, which keeps it for re-scoring or not. */
  const offerForVerification = (
    route: ModelRoute,
    positions: ClaimedPosition[] | undefined,
    finishReason: unknown,
    receipt: ResponseReceipt | null,
  ) =>
    deps.sampler.offer({
      requestId: input.requestId,
      host: route.host,
      modelId: model.id,
      promptIds,
      positions,
      temperature: input.body.temperature ?? null,
      stoppedByModel: finishReason === 'stop' && (input.body.stop == null || input.body.stop.length === 0),
      receipt,
      servedAtMs: deps.clock.nowMs(),
    });

  const buyerTop = buyerTopLogprobs(input);
  const usageBlock = (completionTokens: number, cost: Nanos) => ({
    prompt_tokens: promptTokens,
    completion_tokens: Math.min(completionTokens, maxTokens),
    total_tokens: promptTokens + Math.min(completionTokens, maxTokens),
    ...(input.body.usage?.include ? { cost: formatNanos(cost) } : {}),
  });
  const responseId = `${input.kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${input.requestId}`;

  let winner: Winner;
  try {
    winner = await raceHosts(
      {
        router: deps.router,
        scheduler: deps.scheduler,
        send: (call) => deps.engines.send(call),
        blamesRequest: (error) => error.phase === 'status' && REQUEST_FAULTS.has(error.status ?? 0),
        onHostFailed: (route, error) =>
          deps.logger.warn(
            { host: route.host.id, phase: error.phase, status: error.status },
            'host failed before the first byte; trying another',
          ),
      },
      query,
      // A request that waited for its slot is routed by the hosts' state and load now, not when it arrived — among
      // the hosts that serve at its locked price.
      admitted.waited
        ? deps.router.candidates({ ...query, routes: routesNow(candidates, deps.catalog.get(model.id)?.routes ?? []) })
        : candidates,
      (route) => ({
        baseUrl: route.host.baseUrl,
        bearer: route.host.forwardSecret,
        requestId: input.requestId,
        path: input.kind === 'chat' ? '/v1/chat/completions' : '/v1/completions',
        body: upstreamBody(input, route, maxTokens),
        stream: input.body.stream === true,
      }),
      { signal: input.signal, hedge: preferencesOf(input).hedge ?? deps.hedgedModels.has(model.id) },
    );
  } catch (error) {
    if (error instanceof RequestRefused) {
      routing = { attempts: error.attempts, hedged: false };
      settle(null, 0, 'rejected_by_host');
      const message =
        (error.failure.body as { error?: { message?: string } } | undefined)?.error?.message ??
        'The host refused the request.';
      throw new ApiError(
        REQUEST_FAULTS.get(error.failure.status ?? 0) ?? 400,
        'invalid_request_error',
        message,
        'rejected_by_host',
      );
    }
    if (!(error instanceof NoHostAnswered)) {
      settle(null, 0, 'client_closed');
      throw error;
    }
    routing = { attempts: error.attempts, hedged: false };
    settle(null, 0, 'no_host_succeeded');
    throw noHostAnswer(model.id, error.failures);
  }
  routing = { attempts: winner.attempts, hedged: winner.hedged, served: winner.attempt };
  const route = winner.route;
  if (winner.answer.kind === 'stream') return { kind: 'stream', events: relayStream(winner.answer, route, winner) };

  const body = winner.answer.body as { choices?: Array<Record<string, unknown>> };
  const choice = body.choices?.[0] ?? {};
  const claimed = (body as { usage?: { completion_tokens?: unknown } }).usage?.completion_tokens;
  const positions = completionPositions(input.kind, route.capabilities, choice);
  const completionTokens = meter(
    route,
    positions?.map((p) => p.id),
    completionText(input.kind, choice),
    claimed,
  );
  winner.attempt.finish('ok', completionTokens);
  winner.end(false);
  const receipt = verifiedReceipt(route, winner.answer.receipt);
  const { cost, recorded } = settle(route.host.id, completionTokens, 'ok', receipt);
  offerForVerification(route, positions, choice.finish_reason, receipt);
  // What the market answers, it has charged: the body leaves once its capture is durable.
  if ((await recorded) === 'abandoned') throw notRecorded();
  return {
    kind: 'json',
    body: {
      ...body,
      id: responseId,
      model: model.id,
      choices: (body.choices ?? []).map((c) => shapeChoiceLogprobs(c, buyerTop)),
      usage: usageBlock(completionTokens, cost),
    },
  };

  async function* relayStream(
    answer: Extract<FirstAnswer, { kind: 'stream' }>,
    route: ModelRoute,
    winner: Winner,
  ): AsyncGenerator<StreamEvent, void, undefined> {
    const upstream = answer.events;
    const pending = [...answer.read];
    /** the host's positions so far; undefined once a chunk had no ids (or invalid ones): then the text is counted */
    let positions: ClaimedPosition[] | undefined = [];
    let claimed: unknown;
    let finishReason: unknown;
    let count: number | undefined;
    let text = '';
    let status = 'client_closed';
    const counted = () =>
      (count ??= meter(
        route,
        positions?.map((p) => p.id),
        text,
        claimed,
      ));
    try {
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next =
            pending.length > 0
              ? { done: false, value: pending.shift() }
              : answer.ended
                ? { done: true, value: undefined }
                : await upstream.next();
        } catch (error) {
          // The buyer hanging up aborts the upstream read too: that is not the host's failure.
          if (input.signal.aborted) return;
          status = 'host_failed_mid_stream';
          deps.logger.warn({ host: route.host.id, err: String(error) }, 'host failed mid-stream');
          yield new ApiError(
            502,
            'server_error',
            'The host failed while streaming; you are billed only for the tokens delivered.',
            'host_failed_mid_stream',
          ).toBody();
          return;
        }
        if (next.done) break;
        const chunk = next.value as { choices?: Array<Record<string, unknown>> };
        if (!chunk.choices || chunk.choices.length === 0) {
          claimed = (chunk as { usage?: { completion_tokens?: unknown } }).usage?.completion_tokens ?? claimed;
          continue;
        }
        const choice = chunk.choices[0] as Record<string, unknown>;
        const chunkPositions = completionPositions(input.kind, route.capabilities, choice);
        if (positions && chunkPositions) positions.push(...chunkPositions);
        else positions = undefined;
        text += completionText(input.kind, choice);
        finishReason = choice.finish_reason ?? finishReason;
        yield {
          ...chunk,
          id: responseId,
          model: model.id,
          choices: chunk.choices.map((c) => shapeChoiceLogprobs(c, buyerTop)),
        };
      }
      status = 'ok';
      const receipt = verifiedReceipt(route, answer.receipt());
      const { cost, recorded } = settle(route.host.id, counted(), status, receipt);
      offerForVerification(route, positions, finishReason, receipt);
      // The usage chunk and [DONE] leave once the capture is durable; an abandoned one ends the stream in an error.
      if ((await recorded) === 'abandoned') {
        yield notRecorded().toBody();
        return;
      }
      if (input.body.stream_options?.include_usage) {
        yield {
          id: responseId,
          object: input.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
          created: Math.floor(deps.clock.nowMs() / 1000),
          model: model.id,
          choices: [],
          usage: usageBlock(counted(), cost),
        };
      }
      yield '[DONE]';
    } finally {
      winner.attempt.finish(status === 'ok' ? 'ok' : status === 'client_closed' ? 'cancelled' : 'failed', counted());
      winner.end(status !== 'ok');
      settle(route.host.id, counted(), status);
      await upstream.return(undefined);
    }
  }
}
