// What a model of the catalog is for, as /v1/models lists it: `chat` (chat and text completions) and `embeddings`.
// A request to an endpoint the model does not serve is refused before anything is held or routed.
import { z } from 'zod';

export const MODEL_CAPABILITIES = ['chat', 'embeddings'] as const;
export const modelCapabilitySchema = z.enum(MODEL_CAPABILITIES);
export type ModelCapability = z.infer<typeof modelCapabilitySchema>;

/**
 * An embedding model's vectors: their length, and whether `dimensions` may ask for fewer. The market shortens them
 * itself (the first `dimensions` components, scaled back to unit length, as OpenAI's text-embedding-3 models do),
 * so only a model trained for it (Matryoshka) should say `shortenable`.
 */
export const embeddingShapeSchema = z.object({
  dimensions: z.int().min(1),
  shortenable: z.boolean(),
});
export type EmbeddingShape = z.infer<typeof embeddingShapeSchema>;
