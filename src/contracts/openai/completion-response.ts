// What /v1 answers a completion with: the OpenAI objects (the host's fields pass through, so they are loose), the
// streamed chunks, the usage block with Agora's `cost` when asked, and the model cards of /v1/models.
import { z } from 'zod';
import { classPricesWireSchema, decimalSchema, listOf } from '../http/wire-values.ts';
import { modelCapabilitySchema } from './model-capabilities.ts';

export const completionUsageSchema = z.object({
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  total_tokens: z.int(),
  /**
   * of the prompt tokens, those billed at the model's cache price: the prefix the market attributes to the serving
   * host's cache (same host, same key and affinity key, within the TTL), whatever the engine claims
   */
  prompt_tokens_details: z.object({ cached_tokens: z.int() }),
  /** of the completion tokens, those of the reasoning the engine sent apart from the content */
  completion_tokens_details: z.object({ reasoning_tokens: z.int() }),
  /** what the request cost, when the request asked with `usage: { include: true }` */
  cost: decimalSchema.optional(),
});

const choiceSchema = z.looseObject({ index: z.int(), finish_reason: z.string().nullable().optional() });

export const chatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    choiceSchema.extend({
      message: z.looseObject({ role: z.string(), content: z.string().nullable() }),
    }),
  ),
  usage: completionUsageSchema,
});

export const textCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('text_completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(choiceSchema.extend({ text: z.string() })),
  usage: completionUsageSchema,
});

/** One `data:` event of a streamed completion: a chunk, the final usage chunk, or an error (then no `[DONE]`). */
export const completionStreamEventSchema = z.union([
  z.looseObject({
    id: z.string(),
    object: z.enum(['chat.completion.chunk', 'text_completion']),
    // A host's chunk is relayed as it came (id and model replaced): engines leave `created` out or send `usage: null`
    // on every chunk before the last, and a client parsing the stream must not fail on either.
    created: z.number().optional(),
    model: z.string(),
    choices: z.array(z.looseObject({ index: z.int() })),
    usage: completionUsageSchema.nullish(),
  }),
  z.object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
    }),
  }),
  z.literal('[DONE]'),
]);

/** OpenRouter-style model metadata: prices per token as exact decimal strings, the SKU, and the hosts serving it. */
export const modelCardSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number(),
  owned_by: z.string(),
  name: z.string(),
  context_length: z.int(),
  /** an embedding model: `prompt` alone (it bills its input only) */
  pricing: classPricesWireSchema.partial({ completion: true, input_cache_read: true, internal_reasoning: true }),
  supported_parameters: z.array(z.string()),
  /** what the model serves: `chat` (chat and text completions), `embeddings` */
  capabilities: z.array(modelCapabilitySchema),
  top_provider: z.object({ max_completion_tokens: z.int() }),
  sku: z.object({ model: z.string(), digest: z.string(), quantization: z.string() }),
  hosts: z.int(),
  /** false: no reference engine re-scores its answers (a buyer can require verified models: provider.require_verified) */
  verified: z.boolean(),
});
export const modelListSchema = listOf(modelCardSchema);

/** A verification profile as published: what judges the answers of hosts of one engine kind and hardware class. */
export const publishedProfileSchema = z.object({
  engine_kind: z.string(),
  hardware_class: z.string(),
  /** the day its honest distribution was measured (YYYY-MM-DD) */
  measured_at: z.string(),
  provenance: z.string(),
  min_positions: z.int(),
  per_check: z.object({ mean_tv_threshold: z.number(), honest_top1_disagreement: z.number() }),
  /** the pooled test per host: honest means the e-process is measured against; null where the per-check test alone separates substitutes */
  pooled: z
    .object({
      mean_tv_honest_mean: z.number(),
      /** null where the profile's pooled test reads TV alone (a profile carried to another model) */
      mean_abs_logprob_delta_honest_mean: z.number().nullable(),
      false_conviction: z.number(),
    })
    .nullable(),
  /** a host of this class must probe at no less than this speed, else it is judged by the strictest profile */
  least_decode_tokens_per_second: z.number().nullable(),
});

/** One model, with the verification profiles that judge its hosts (the strictest applies where a class is not earned). */
export const modelDetailSchema = modelCardSchema.extend({
  verification_profiles: z.array(publishedProfileSchema),
});
