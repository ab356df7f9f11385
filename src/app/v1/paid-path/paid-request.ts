// One paid request as its steps see it: the buyer's input, what is served back (a JSON body or a stream of typed
// events), and the few readings of the input that more than one step needs. The HTTP edge turns events into bytes.
import type { ChatCompletionRequest, CompletionRequest } from '../../../contracts/openai/completion-request.ts';
import type { EmbeddingRequest } from '../../../contracts/openai/embedding-request.ts';
import type { OpenAiErrorBody } from '../../../contracts/openai/error-envelope.ts';
import type { ProviderPreferences } from '../../../contracts/openai/provider-preferences.ts';
import { adjustsDistribution, type LogitAdjustments } from '../../../domain/sampling/logit-adjustments.ts';
import type { CancelSignal } from '../../cancellation.ts';
import type { ApiKeyRecord } from '../../ports.ts';
import type { SeedSource } from '../../verification/response-sampling.ts';
import type { RoutingTrace } from '../routing-trace.ts';

/** `trace`: where the request's routing is recorded, when the buyer asked to see it. */
type RequestContext = { key: ApiKeyRecord; requestId: string; signal: CancelSignal; trace?: RoutingTrace | undefined };
export type CompletionInput = (
  { kind: 'chat'; body: ChatCompletionRequest } | { kind: 'text'; body: CompletionRequest }
) &
  RequestContext;
export type EmbeddingInput = { kind: 'embeddings'; body: EmbeddingRequest } & RequestContext;
/** Every request the paid path serves: admitted, forwarded and settled alike, relayed each in its own way. */
export type PaidInput = CompletionInput | EmbeddingInput;

/** The usage block the market answers with: its own counts by usage class, and the cost when the buyer asked for it. */
export type UsageBlock = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  cost?: string;
};

/**
 * What a buyer's stream carries, in order: `delta`s (a host's chunk as relayed, with the text it adds), then `usage`
 * (when asked for) and `done`; or, instead of the end, one `error`. `wire` is what the buyer receives for it.
 */
export type StreamEvent =
  | { type: 'delta'; text: string; wire: object }
  | { type: 'usage'; usage: UsageBlock; wire: object }
  | { type: 'error'; wire: OpenAiErrorBody }
  | { type: 'done' };

export type Served =
  { kind: 'json'; body: object } | { kind: 'stream'; events: AsyncGenerator<StreamEvent, void, undefined> };

/** The SSE data of an event: `[DONE]` ends the stream, every other event is a JSON object. */
export const wireOf = (event: StreamEvent): object | '[DONE]' => (event.type === 'done' ? '[DONE]' : event.wire);

/** The key's standing provider preferences, overridden field by field by the request's own. */
export function preferencesOf(input: PaidInput): ProviderPreferences {
  return { ...input.key.providerPreferences, ...input.body.provider };
}

/** What the market's seed for the request is made from (response-sampling.ts): the buyer's seed, if it gave one. */
export function seedSource(input: CompletionInput): SeedSource {
  return { requestId: input.requestId, accountId: input.key.accountId, buyerSeed: input.body.seed ?? undefined };
}

/** How many top logprobs per token the buyer asked for; null: none. */
export function buyerTopLogprobs(input: CompletionInput): number | null {
  if (input.kind === 'chat') return input.body.logprobs ? (input.body.top_logprobs ?? 0) : null;
  return input.body.logprobs ?? null;
}

/**
 * Whether the host decodes under a grammar: a JSON response format, or tools it may call. The grammar's mask
 * changes the distribution it samples from, which the reference does not replay (decision 024).
 */
export function decodesUnderGrammar(input: CompletionInput): boolean {
  if (input.kind !== 'chat') return false;
  const { response_format: format, tools, tool_choice: toolChoice } = input.body;
  return (format != null && format.type !== 'text') || (tools !== undefined && toolChoice !== 'none');
}

/** The request's logit_bias and presence / frequency penalties; undefined when they change nothing. */
export function logitAdjustmentsOf(input: CompletionInput): LogitAdjustments | undefined {
  const adjustments = {
    logitBias: input.body.logit_bias ?? {},
    presencePenalty: input.body.presence_penalty ?? 0,
    frequencyPenalty: input.body.frequency_penalty ?? 0,
  };
  return adjustsDistribution(adjustments) ? adjustments : undefined;
}
