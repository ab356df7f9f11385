// Step 4 of the paid path, settle: once per request, whatever ended it. A request no host served is charged
// nothing; one a host answered is charged for the prompt once and every choice's completion tokens delivered (the
// market's count), by
// usage class (the prompt's prefix the market attributes to the host's cache at the cache price), captured with the host's receipt (its signature kept only if it verifies) and offered for verification. The
// capture is durable before the answer's last bytes leave: `recorded` says whether it was (or abandoned, when the
// billing database stayed unwritable: then nothing was charged and the answer ends in `notRecorded`).
import { receiptMessage, type ResponseReceipt } from '../../../contracts/hosts/response-receipt.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import type { UsageClasses } from '../../../domain/ledger/request-cost.ts';
import type { Nanos, RevenueSplit } from '../../../domain/money/nanos.ts';
import { planRequestCapture } from '../../../domain/money/request-capture-plan.ts';
import type { Durability } from '../../billing/billing-batcher.ts';
import type { SpendBudget } from '../../billing/spend-budget.ts';
import { utcDay } from '../../billing/utc-day.ts';
import type { Clock, CompletionMetrics, Logger } from '../../ports.ts';
import type { ResponseSampler, SamplingDecision } from '../../verification/response-sampling.ts';
import type { Winner } from '../host-race.ts';
import type { ModelRoute } from '../market-catalog.ts';
import type { PromptCacheBook } from '../prompt-cache-book.ts';
import type { Admitted } from './admit.ts';
import type { AnsweredChoice, CompletionCount } from './answer-parts.ts';
import { decodesUnderGrammar, logitAdjustmentsOf, type CompletionInput, type PaidInput } from './paid-request.ts';
import { judgeFormat, type FormatRecorder } from './format-verdict.ts';

export type SettleDeps = {
  budget: SpendBudget;
  clock: Clock;
  logger: Logger;
  metrics: CompletionMetrics;
  split: RevenueSplit;
  verifySignature(publicKey: string, text: string, signature: string): boolean;
  /** keeps some finished responses for re-scoring against the reference engine */
  sampler: ResponseSampler;
  /** the prompt prefixes each host was sent, per buyer key and affinity key: what is billed as cache reads */
  promptCache: PromptCacheBook;
  /** told of every answer judged for its requested format (format failures: decision 022) */
  formats: FormatRecorder;
};

/** A whole answer as a host gave it: its choices (none for embeddings), its receipt (unverified). */
export type Answered = {
  choices: readonly AnsweredChoice[];
  receipt: ResponseReceipt | undefined;
  /** embeddings: the host's vectors, one per input (what the verifier compares) */
  vectors?: number[][];
};

/** What a request was charged: its usage as billed, by class, and the cost; `recorded` once its capture is durable. */
export type Charged = { usage: UsageClasses; cost: Nanos; recorded: Promise<Durability> };

export type Settlement = {
  /** no host served it (`attempts` hosts were tried): nothing is charged */
  unserved(status: string, attempts: number): void;
  /**
   * the winner's whole answer: charged, its receipt kept as evidence, its choices judged for format, offered for
   * verification (`sampling`: the sampler's decision, one per request whatever its n, for the routing trace)
   */
  answered(winner: Winner, answer: Answered): Charged & { sampling: SamplingDecision[] };
  /** the winner's answer ended early (`status` says why): the delivered tokens are charged; no-op once settled */
  cut(winner: Winner, count: CompletionCount, status: string): void;
};

/** The answer's capture could not be written before the give-up time: it is not charged, so it is not delivered. */
export const notRecorded = () =>
  marketError(
    'billing_unavailable',
    'The billing database is unavailable, so this answer could not be recorded; nothing was charged. Retry shortly.',
    { retryAfterSeconds: 1 },
  );

type Routing = Pick<Winner, 'attempts' | 'hedged'> & { served?: Winner };

const NO_COMPLETION: CompletionCount = [];
const NOTHING_BILLED: UsageClasses = { promptTokens: 0, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0 };

export function openSettlement(deps: SettleDeps, input: PaidInput, admitted: Admitted): Settlement {
  const { model, price, promptIds, promptTokens, maxTokens, choiceCount, hold, rate, slot, query } = admitted;
  let settled = false;

  const settle = (
    hostId: string | null,
    count: CompletionCount,
    status: string,
    routing: Routing,
    receipt: ResponseReceipt | null = null,
  ): Charged => {
    if (settled) return { usage: NOTHING_BILLED, cost: 0n, recorded: Promise.resolve('durable') };
    settled = true;
    slot.release();
    const upstream = hostId === null ? undefined : routing.served?.attempt.elapsed();
    deps.metrics.completed({ modelId: model.id, status, ...(upstream ? { upstream } : {}) });
    // the prompt is remembered for its host whatever ended the answer: the host has computed it either way
    const cachedTokens =
      hostId === null ? 0 : deps.promptCache.attribute(`${input.key.id}\n${query.affinityKey}`, hostId, promptIds);
    const { usage, cost, transaction } = planRequestCapture({
      requestId: input.requestId,
      buyerAccountId: input.key.accountId,
      hostId,
      price,
      counted: { promptTokens, cachedTokens, choices: count },
      maxCompletionTokens: maxTokens,
      choiceCount,
      split: deps.split,
    });
    rate.settle(usage.promptTokens + usage.completionTokens);
    const recorded = deps.budget.settle(hold, cost, {
      type: 'capture',
      leaseId: hold.leaseId,
      keyId: input.key.id,
      day: utcDay(deps.clock.nowMs()),
      transaction,
      usage: {
        requestId: input.requestId,
        accountId: input.key.accountId,
        keyId: input.key.id,
        keyPrefix: input.key.prefix,
        modelId: model.id,
        hostId,
        ...usage,
        promptPrice: price.promptNanos,
        completionPrice: price.completionNanos,
        cachedPromptPrice: price.cachedPromptNanos,
        reasoningPrice: price.reasoningNanos,
        cost,
        status,
        attempts: routing.attempts,
        hedged: routing.hedged,
        receipt,
      },
    });
    return { usage, cost, recorded };
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

  const routingOf = (winner: Winner): Routing => ({ attempts: winner.attempts, hedged: winner.hedged, served: winner });

  return {
    unserved: (status, attempts) => void settle(null, NO_COMPLETION, status, { attempts, hedged: false }),
    answered(winner, answer) {
      const receipt = verifiedReceipt(winner.route, answer.receipt);
      const count = answer.choices.map(({ completionTokens, reasoningTokens }) => ({
        completionTokens,
        reasoningTokens,
      }));
      const charged = settle(winner.route.host.id, count, 'ok', routingOf(winner), receipt);
      const offerCompletion = (completion: CompletionInput) => {
        for (const choice of answer.choices) {
          const outcome = judgeFormat(completion, choice.format);
          if (outcome) deps.formats.record(model.id, winner.route.host.id, outcome);
        }
        const adjustments = logitAdjustmentsOf(completion);
        // Adjustments are replayed only for an engine whose logprobs are of the adjusted distribution (decision 024).
        const replayable = adjustments === undefined || winner.route.capabilities.logprobsAfterAdjustments;
        const { temperature, stop } = completion.body;
        return deps.sampler.offer({
          requestId: input.requestId,
          host: winner.route.host,
          modelId: model.id,
          promptIds: admitted.promptIds,
          completionTokens: count.reduce((n, c) => n + c.completionTokens, 0),
          choices: answer.choices.map((choice) => ({
            positions: choice.positions,
            stoppedByModel: choice.finishReason === 'stop' && (stop == null || stop.length === 0),
          })),
          temperature: temperature ?? null,
          constrained: decodesUnderGrammar(completion) || !replayable,
          adjustments,
          receipt,
          servedAtMs: deps.clock.nowMs(),
        });
      };
      const decision =
        input.kind === 'embeddings'
          ? deps.sampler.offerEmbedding({
              requestId: input.requestId,
              host: winner.route.host,
              modelId: model.id,
              inputIds: admitted.inputIds,
              vectors: answer.vectors ?? [],
              receipt,
              servedAtMs: deps.clock.nowMs(),
            })
          : offerCompletion(input);
      const sampling = [decision];
      input.trace?.served(winner.attempt, model, price, sampling);
      return { ...charged, sampling };
    },
    cut: (winner, count, status) => void settle(winner.route.host.id, count, status, routingOf(winner)),
  };
}
