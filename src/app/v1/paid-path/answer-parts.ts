// What both relays (stream and JSON) add to a host's answer: the market's response id, its own count of the
// completion tokens (the reasoning among them), and the usage block it answers with, by usage class.
import type { UsageClasses } from '../../../domain/ledger/request-cost.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import type { Logger } from '../../ports.ts';
import { meterCompletion } from '../completion-metering.ts';
import type { ModelRoute } from '../market-catalog.ts';
import type { Admitted } from './admit.ts';
import type { AnswerTally } from './answer-tally.ts';
import type { CompletionInput, UsageBlock } from './paid-request.ts';

export type CountDeps = {
  logger: Logger;
  /** hosts' usage claims that were not the count of their own token ids */
  strikes: { add(hostId: string): void };
};

/** The market's id for the answer, the same in every chunk (a hedge's copies share the request id). */
export const responseIdOf = (input: CompletionInput): string =>
  `${input.kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${input.requestId}`;

/** A completion by the market's count: all its tokens, and of them those of the reasoning sent beside the content. */
export type CompletionCount = { completionTokens: number; reasoningTokens: number };

/**
 * Completion tokens by the market's count; a host claiming another count than its own ids gets a strike. The
 * reasoning is counted by the market's tokenizer (engines do not tell its ids apart from the content's, so with
 * reasoning the tally holds no ids); a host's claim counts it too (OpenAI's `completion_tokens` does), so the
 * content is metered against the claim less the reasoning.
 */
export function countCompletion(
  deps: CountDeps,
  request: { input: CompletionInput; admitted: Admitted; route: ModelRoute },
  tally: AnswerTally,
): CompletionCount {
  const { route, input } = request;
  const { tokenizer } = request.admitted.model;
  const hostIds = tally.positions?.map((p) => p.id);
  const reasoningTokens = tally.reasoning === '' ? 0 : tokenizer.encode(tally.reasoning).length;
  const claimed = tally.claimed === undefined ? undefined : Math.max(0, tally.claimed - reasoningTokens);
  const count = meterCompletion(tokenizer, tally.meteredText(), hostIds, claimed);
  if (count.usageClaimMismatch) {
    deps.strikes.add(route.host.id);
    deps.logger.warn(
      { host: route.host.id, requestId: input.requestId, ...count.usageClaimMismatch },
      "the host's usage claim is not the count of its own token ids: a strike",
    );
  }
  return { completionTokens: count.tokens + reasoningTokens, reasoningTokens };
}

/** Usage as the market billed it, with its classes (OpenAI's details); the cost when the buyer asked for it. */
export function usageBlock(input: CompletionInput, billed: UsageClasses, cost: Nanos): UsageBlock {
  return {
    prompt_tokens: billed.promptTokens,
    completion_tokens: billed.completionTokens,
    total_tokens: billed.promptTokens + billed.completionTokens,
    prompt_tokens_details: { cached_tokens: billed.cachedTokens },
    completion_tokens_details: { reasoning_tokens: billed.reasoningTokens },
    ...(input.body.usage?.include ? { cost: formatNanos(cost) } : {}),
  };
}
