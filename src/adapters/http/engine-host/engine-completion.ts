// Runs one OpenAI-style request on the built-in engine and shapes the result: a request becomes prompt ids and
// generation settings; engine events become choice text, logprob entries (with token ids) and usage.
import { ApiError, invalidRequest } from '../../../contracts/openai/error-envelope.ts';
import type { ChatCompletionRequest, CompletionRequest } from '../../../contracts/openai/completion-request.ts';
import type { FinishReason, GeneratedToken, GenerateRequest, LlamaEngine } from '../../engines/builtin/llama-engine.ts';
import { chatTemplateMessages } from '../../../app/v1/prompt-metering.ts';
import { firstUnknownBiasToken } from '../../../domain/sampling/logit-adjustments.ts';
import { ENGINE_CAPABILITIES, firstUnsupportedParameter } from '../../../domain/engines/engine-capabilities.ts';

export const DEFAULT_MAX_TOKENS = 128;
// The tiny model samples raw byte tokens at temperature 1 (broken characters); 0.7 keeps its text readable.
export const DEFAULT_TEMPERATURE = 0.7;

export type LogprobEntry = {
  token: string;
  id: number;
  /** null where the host reports token ids only (`idsOnly`) */
  logprob: number | null;
  bytes: number[];
  top_logprobs: Array<{ token: string; id: number; logprob: number; bytes: number[] }>;
};

type CommonRequest = Pick<
  ChatCompletionRequest,
  'max_tokens' | 'temperature' | 'top_p' | 'seed' | 'stop' | 'presence_penalty' | 'frequency_penalty' | 'logit_bias'
>;

function rejectUnsupported(request: object): void {
  const param = firstUnsupportedParameter(ENGINE_CAPABILITIES.builtin, request);
  if (param) throw invalidRequest(`The built-in engine does not support '${param}'.`, param, 'unsupported_parameter');
}

export function chatPromptIds(engine: LlamaEngine, request: ChatCompletionRequest): number[] {
  rejectUnsupported(request);
  const messages = chatTemplateMessages(request);
  return engine.tokenize(engine.renderChat(messages), { special: true });
}

export function completionPromptIds(engine: LlamaEngine, request: CompletionRequest): number[] {
  rejectUnsupported(request);
  const prompt = typeof request.prompt === 'string' ? request.prompt : (request.prompt[0] as string);
  const ids = engine.tokenize(prompt);
  if (ids.length === 0) throw invalidRequest('The prompt is empty.', 'prompt', 'empty_prompt');
  return ids;
}

export function generationSettings(
  engine: LlamaEngine,
  promptIds: number[],
  request: CommonRequest & { max_completion_tokens?: number | null | undefined },
  topK: number,
  signal: AbortSignal,
): GenerateRequest {
  const room = engine.contextLength - promptIds.length;
  if (room < 1) {
    throw new ApiError(
      400,
      'invalid_request_error',
      `The prompt has ${promptIds.length} tokens; this model's context is ${engine.contextLength}.`,
      'context_length_exceeded',
      'messages',
    );
  }
  const asked = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS;
  const stop = request.stop == null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop;
  const logitBias = request.logit_bias ?? {};
  const unknown = firstUnknownBiasToken(logitBias, (id) => id < engine.vocabularySize);
  if (unknown !== undefined)
    throw invalidRequest(
      `logit_bias key '${unknown}' is not a token id of this model (0 to ${engine.vocabularySize - 1}).`,
      'logit_bias',
      'invalid_logit_bias',
    );
  return {
    promptIds,
    maxTokens: Math.min(asked, room),
    temperature: request.temperature ?? DEFAULT_TEMPERATURE,
    topP: request.top_p ?? 1,
    seed: request.seed ?? Math.floor(Math.random() * 2 ** 31),
    topK: Math.max(topK, 1),
    stop,
    adjustments: {
      logitBias,
      presencePenalty: request.presence_penalty ?? 0,
      frequencyPenalty: request.frequency_penalty ?? 0,
    },
    signal,
  };
}

/** `idsOnly`: the token, its id and bytes, without its logprob or top-k (a host whose engine computes none). */
export function logprobEntry(engine: LlamaEngine, token: GeneratedToken, topK: number, idsOnly = false): LogprobEntry {
  const describe = (id: number, logprob: number) => {
    const text = engine.detokenize([id]);
    return { token: text, id, logprob, bytes: [...engine.tokenBytes(id)] };
  };
  if (idsOnly) return { ...describe(token.id, 0), logprob: null, top_logprobs: [] };
  return {
    ...describe(token.id, token.logprob),
    top_logprobs: token.top.slice(0, topK).map((t) => describe(t.id, t.logprob)),
  };
}

export type CollectedGeneration = { text: string; tokens: GeneratedToken[]; finishReason: FinishReason };

export async function collectGeneration(engine: LlamaEngine, settings: GenerateRequest): Promise<CollectedGeneration> {
  const tokens: GeneratedToken[] = [];
  let text = '';
  let finishReason: FinishReason = 'length';
  for await (const event of engine.generate(settings)) {
    if (event.type === 'token') {
      tokens.push(event.token);
      text += event.token.text;
    } else if (event.type === 'text') text += event.text;
    else finishReason = event.reason;
  }
  return { text, tokens, finishReason };
}
