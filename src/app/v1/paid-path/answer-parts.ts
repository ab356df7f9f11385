// What both relays (stream and JSON) add to a host's answer: the market's response id, its own count of each choice's
// completion tokens (the reasoning among them), and the usage block it answers with, by usage class.
import type { ChoiceUsage, UsageClasses } from '../../../domain/ledger/request-cost.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import type { Logger } from '../../ports.ts';
import { meterCompletion } from '../completion-metering.ts';
import type { ModelRoute } from '../market-catalog.ts';
import type { Admitted } from './admit.ts';
import type { AnswerTally } from './answer-tally.ts';
import type { FormatAnswer } from '../../../domain/formats/format-judge.ts';
import type { ClaimedPosition } from '../../../domain/verification/response-check.ts';
import type { CompletionInput, UsageBlock } from './paid-request.ts';

export type CountDeps = {
  logger: Logger;
  /** hosts' usage claims that were not the count of their own token ids */
  strikes: { add(hostId: string): void };
};

/** The market's id for the answer, the same in every chunk (a hedge's copies share the request id). */
export const responseIdOf = (input: CompletionInput): string =>
  `${input.kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${input.requestId}`;

/** A completion by the market's count, choice by choice: all its tokens, and of them the reasoning's. */
export type CompletionCount = readonly ChoiceUsage[];

/** The completion tokens of all the choices. */
export const completionTokensOf = (count: CompletionCount): number =>
  count.reduce((sum, choice) => sum + choice.completionTokens, 0);

/**
 * Completion tokens by the market's count, for each choice the host sent; a host claiming another count than its
 * own ids gets a strike. The reasoning is counted by the market's tokenizer (engines do not tell its ids apart from
 * the content's, so with reasoning the tally holds no ids); a host's claim counts it too (OpenAI's
 * `completion_tokens` does), so the content is metered against the claim less the reasoning.
 */
export function countCompletion(
  deps: CountDeps,
  request: { input: CompletionInput; admitted: Admitted; route: ModelRoute },
  tally: AnswerTally,
): CompletionCount {
  const { route, input } = request;
  const { tokenizer } = request.admitted.model;
  const choices = tally.choices();
  const reasoning = choices.map((c) => (c.reasoning === '' ? 0 : tokenizer.encode(c.reasoning).length));
  const reasoningTokens = reasoning.reduce((sum, tokens) => sum + tokens, 0);
  const claimed = tally.claimed === undefined ? undefined : Math.max(0, tally.claimed - reasoningTokens);
  const texts = choices.map((c) => ({ text: c.meteredText(), hostIds: c.positions?.map((p) => p.id) }));
  const metered = meterCompletion(tokenizer, texts, claimed);
  if (metered.usageClaimMismatch) {
    deps.strikes.add(route.host.id);
    deps.logger.warn(
      { host: route.host.id, requestId: input.requestId, ...metered.usageClaimMismatch },
      "the host's usage claim is not the count of its own token ids: a strike",
    );
  }
  return metered.choices.map((count, i) => ({
    completionTokens: count.tokens + (reasoning[i] ?? 0),
    reasoningTokens: reasoning[i] ?? 0,
  }));
}

/** One choice of a completion as settle takes it: the market's count of its tokens, and what the host claims of it. */
export type AnsweredChoice = ChoiceUsage & {
  /** the host's token ids with their logprobs and top-k, where its engine reports them */
  positions: ClaimedPosition[] | undefined;
  finishReason: string | null;
  /** what the format judge reads: its tool calls, text and finish reason */
  format: FormatAnswer;
};

/** The tally's choices with the market's count of each (countCompletion's, in the same order). */
export const answeredChoices = (tally: AnswerTally, count: CompletionCount): AnsweredChoice[] =>
  tally.choices().map((choice, i) => ({
    completionTokens: count[i]?.completionTokens ?? 0,
    reasoningTokens: count[i]?.reasoningTokens ?? 0,
    positions: choice.positions,
    finishReason: choice.finishReason,
    format: choice.formatAnswer(),
  }));

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
