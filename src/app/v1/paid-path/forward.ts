// Step 2 of the paid path, route and forward: the request goes to the hosts that serve at its locked price, in
// routing order (host-race.ts retries another before the first byte, and hedges where asked). What goes upstream
// is the buyer's body for the host's own model name, without Agora's extensions, with the market's seed, always
// asking for the token ids and top-k the verifier needs. When no host serves, the request is settled (nothing charged) and the buyer told why.
import type { ErrorCode } from '../../../contracts/errors/error-catalog.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { upstreamErrorMessage } from '../../../contracts/openai/upstream-completion.ts';
import { VERIFY_TOP_K } from '../../../domain/verification/response-check.ts';
import type { EngineClient, Logger, Scheduler } from '../../ports.ts';
import { routesNow } from '../admission-queue.ts';
import { NoHostAnswered, raceHosts, RequestRefused, type Winner } from '../host-race.ts';
import type { HostRouter } from '../host-router.ts';
import type { MarketCatalog, ModelRoute } from '../market-catalog.ts';
import { noHostAnswer } from '../overload-answers.ts';
import type { Admitted } from './admit.ts';
import { buyerTopLogprobs, preferencesOf, seedSource, type CompletionInput, type PaidInput } from './paid-request.ts';
import type { ResponseSampler } from '../../verification/response-sampling.ts';
import type { Settlement } from './settle.ts';

export type ForwardDeps = {
  catalog: MarketCatalog;
  router: HostRouter;
  engines: EngineClient;
  logger: Logger;
  /** models whose requests hedge unless the request or key says `hedge: false` */
  hedgedModels: ReadonlySet<string>;
  /** the hedge timer */
  scheduler: Pick<Scheduler, 'after'>;
  sampler: Pick<ResponseSampler, 'seedOf'>;
};

const AGORA_EXTENSIONS = ['usage', 'provider', 'trace'] as const;

/**
 * Host answers that blame the request itself, with the code the buyer gets: another host would say the same.
 * Any other refusal (429 busy, 401/403/404 a host misconfigured, 5xx) is the host's problem: try the next one.
 */
const REQUEST_FAULTS = new Map<number, ErrorCode>([
  [400, 'rejected_by_host'],
  [413, 'rejected_by_host_too_large'],
  [422, 'rejected_by_host'],
]);

function upstreamBody(
  input: CompletionInput,
  route: ModelRoute,
  maxTokens: number,
  seed: number,
): Record<string, unknown> {
  // Every request carries the market's seed, the buyer's own replaced by one made from it (decision 031).
  const body: Record<string, unknown> = { ...input.body, model: route.upstreamModel, max_tokens: maxTokens, seed };
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

/**
 * Embeddings go upstream as floats at the model's full length, whatever the buyer asked: the market shortens and
 * encodes them itself, and keeps the host's vectors for verification.
 */
function upstreamEmbeddingBody(input: PaidInput & { kind: 'embeddings' }, route: ModelRoute): Record<string, unknown> {
  const body: Record<string, unknown> = { ...input.body, model: route.upstreamModel, encoding_format: 'float' };
  for (const extension of AGORA_EXTENSIONS) delete body[extension];
  delete body.dimensions;
  return body;
}

const UPSTREAM_PATHS = { chat: '/v1/chat/completions', text: '/v1/completions', embeddings: '/v1/embeddings' } as const;

/** The first host to answer, or (settled, nothing charged) the buyer's error. */
export async function forward(
  deps: ForwardDeps,
  input: PaidInput,
  admitted: Admitted,
  settlement: Settlement,
): Promise<Winner> {
  const { model, query, candidates, maxTokens } = admitted;
  try {
    return await raceHosts(
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
      // Routed by the hosts' state and load now, not when the request arrived — among the hosts that serve at its
      // locked price: between the two it awaited its hold (and perhaps a slot), while other requests began on
      // hosts, and a burst ranked at arrival would all pick the same host past its declared concurrency.
      deps.router.candidates({ ...query, routes: routesNow(candidates, deps.catalog.get(model.id)?.routes ?? []) }),
      (route) => ({
        baseUrl: route.host.baseUrl,
        bearer: route.host.forwardSecret,
        requestId: input.requestId,
        path: UPSTREAM_PATHS[input.kind],
        body:
          input.kind === 'embeddings'
            ? upstreamEmbeddingBody(input, route)
            : upstreamBody(input, route, maxTokens, deps.sampler.seedOf(seedSource(input))),
        stream: input.kind !== 'embeddings' && input.body.stream === true,
      }),
      {
        signal: input.signal,
        hedge: preferencesOf(input).hedge ?? deps.hedgedModels.has(model.id),
        trace: input.trace,
      },
    );
  } catch (error) {
    if (error instanceof RequestRefused) {
      settlement.unserved('rejected_by_host', error.attempts);
      const message = upstreamErrorMessage(error.failure.body) ?? 'The host refused the request.';
      throw marketError(REQUEST_FAULTS.get(error.failure.status ?? 0) ?? 'rejected_by_host', message);
    }
    if (!(error instanceof NoHostAnswered)) {
      settlement.unserved('client_closed', 0);
      throw error;
    }
    settlement.unserved('no_host_succeeded', error.attempts);
    throw noHostAnswer(model.id, error.failures);
  }
}
