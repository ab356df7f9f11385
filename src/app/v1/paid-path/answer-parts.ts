// What both relays (stream and JSON) add to a host's answer: the market's response id, its own count of the
// completion tokens, and the usage block it answers with.
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

/** Completion tokens by the market's count; a host claiming another count than its own ids gets a strike. */
export function countCompletion(
  deps: CountDeps,
  request: { input: CompletionInput; admitted: Admitted; route: ModelRoute },
  tally: AnswerTally,
): number {
  const { route, input } = request;
  const hostIds = tally.positions?.map((p) => p.id);
  const count = meterCompletion(request.admitted.model.tokenizer, tally.meteredText(), hostIds, tally.claimed);
  if (count.usageClaimMismatch) {
    deps.strikes.add(route.host.id);
    deps.logger.warn(
      { host: route.host.id, requestId: input.requestId, ...count.usageClaimMismatch },
      "the host's usage claim is not the count of its own token ids: a strike",
    );
  }
  return count.tokens;
}

/** Usage as the market counts it, the completion cut to max_tokens; the cost when the buyer asked for it. */
export function usageBlock(
  input: CompletionInput,
  admitted: Admitted,
  completionTokens: number,
  cost: Nanos,
): UsageBlock {
  const { promptTokens, maxTokens } = admitted;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: Math.min(completionTokens, maxTokens),
    total_tokens: promptTokens + Math.min(completionTokens, maxTokens),
    ...(input.body.usage?.include ? { cost: formatNanos(cost) } : {}),
  };
}
