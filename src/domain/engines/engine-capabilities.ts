// What each kind of OpenAI-wire engine can do, as data: the gateway reads this table instead of branching on
// engine names. Sources: each engine's documented OpenAI-compatible API (llama.cpp server README, vLLM's
// OpenAI-compatible server docs, Ollama's OpenAI compatibility page).
export type EngineCapabilities = {
  /** chat logprob entries carry the token id (`logprobs.content[].id`), so completion tokens are counted exactly */
  tokenIdsInChatLogprobs: boolean;
  /** completion logprobs carry `token_ids` */
  tokenIdsInCompletionLogprobs: boolean;
  /**
   * its logprobs are of the distribution after logit_bias and presence / frequency penalties, as OpenAI defines
   * them, so the verifier can replay them (decision 024); otherwise such answers are labelled unverified
   */
  logprobsAfterAdjustments: boolean;
  /** parameters the engine cannot honour: a request using them is refused with 400 before it is forwarded */
  unsupportedParameters: readonly string[];
  /**
   * JSON Schemas (tools, `response_format`) are decoded under a grammar that takes a subset of JSON Schema
   * (domain/tools/grammar-schema.ts): a request with a schema outside it is refused, not served unconstrained
   */
  grammarSchemaSubset: boolean;
};

export const ENGINE_KINDS = ['builtin', 'llama.cpp', 'vllm', 'ollama', 'openai-compatible'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

export const ENGINE_CAPABILITIES: Record<EngineKind, EngineCapabilities> = {
  builtin: {
    tokenIdsInChatLogprobs: true,
    tokenIdsInCompletionLogprobs: true,
    logprobsAfterAdjustments: true,
    grammarSchemaSubset: true,
    unsupportedParameters: ['echo', 'suffix'],
  },
  'llama.cpp': {
    tokenIdsInChatLogprobs: true,
    tokenIdsInCompletionLogprobs: false,
    logprobsAfterAdjustments: false,
    unsupportedParameters: ['echo'],
    grammarSchemaSubset: false,
  },
  vllm: {
    tokenIdsInChatLogprobs: false,
    tokenIdsInCompletionLogprobs: false,
    logprobsAfterAdjustments: false,
    unsupportedParameters: [],
    grammarSchemaSubset: false,
  },
  ollama: {
    tokenIdsInChatLogprobs: false,
    tokenIdsInCompletionLogprobs: false,
    logprobsAfterAdjustments: false,
    // its OpenAI compatibility page lists no `n`: one choice per request
    unsupportedParameters: ['logprobs', 'top_logprobs', 'logit_bias', 'echo', 'n'],
    grammarSchemaSubset: false,
  },
  'openai-compatible': {
    tokenIdsInChatLogprobs: false,
    tokenIdsInCompletionLogprobs: false,
    logprobsAfterAdjustments: false,
    unsupportedParameters: [],
    grammarSchemaSubset: false,
  },
};

/** Values that ask nothing of an engine beyond its default: a request carrying them does not use the parameter. */
const isDefault = (name: string, value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === false ||
  (Array.isArray(value) && value.length === 0) ||
  // one choice is what every engine gives
  (name === 'n' && value === 1);

/** The first parameter in a request body that an engine with these capabilities cannot honour. */
export function firstUnsupportedParameter(capabilities: EngineCapabilities, body: object): string | undefined {
  return Object.entries(body).find(
    ([name, value]) => capabilities.unsupportedParameters.includes(name) && !isDefault(name, value),
  )?.[0];
}

export const isEngineKind = (value: string): value is EngineKind => (ENGINE_KINDS as readonly string[]).includes(value);
