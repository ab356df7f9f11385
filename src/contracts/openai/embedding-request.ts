// The /v1/embeddings request body: OpenAI's parameters (`input` as a string, strings, token ids or lists of token
// ids; `encoding_format`; `dimensions`; `user`) and Agora's documented extensions (`usage`, `provider`); unknown
// keys are a 400. Each input must be non-empty and fit the model's context (checked where the model is known).
import { z } from 'zod';
import { usageOption } from './completion-request.ts';
import { providerPreferencesSchema } from './provider-preferences.ts';

/** As OpenAI: at most 2048 inputs in one request. */
export const MAX_EMBEDDING_INPUTS = 2048;

const tokenIds = z.array(z.int().min(0)).min(1);

export const embeddingRequestSchema = z.strictObject({
  model: z.string().min(1).max(256),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1).max(MAX_EMBEDDING_INPUTS),
    tokenIds,
    z.array(tokenIds).min(1).max(MAX_EMBEDDING_INPUTS),
  ]),
  /** `float` (the default): arrays of numbers; `base64`: little-endian float32 bytes, base64-encoded */
  encoding_format: z.enum(['float', 'base64']).optional(),
  /** fewer dimensions than the model's, where the model allows it */
  dimensions: z.int().min(1).optional(),
  user: z.string().max(256).optional(),
  usage: usageOption.optional(),
  provider: providerPreferencesSchema.optional(),
});

export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

/** The inputs one by one: each a text or a list of token ids. */
export function embeddingInputs(input: EmbeddingRequest['input']): Array<string | number[]> {
  if (typeof input === 'string') return [input];
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  return input as Array<string | number[]>;
}
