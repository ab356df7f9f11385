// What /v1/embeddings answers (OpenAI's list of embedding objects, with the market's usage and Agora's `cost` when
// asked), and how the market reads a host's answer: hosts are
// attacker-controlled, so an answer is read only if it has one finite vector of the model's length per input.
import { z } from 'zod';
import { decimalSchema } from '../http/wire-values.ts';

export const embeddingUsageSchema = z.object({
  prompt_tokens: z.int(),
  total_tokens: z.int(),
  /** what the request cost, when the request asked with `usage: { include: true }` */
  cost: decimalSchema.optional(),
});

export const embeddingListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.int(),
      /** numbers, or with `encoding_format: "base64"` the little-endian float32 bytes in base64 */
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string(),
  usage: embeddingUsageSchema,
});

export type EmbeddingList = z.infer<typeof embeddingListSchema>;

/** The vectors of a host's embeddings answer, in input order; undefined when it is not one vector per input. */
export function readHostEmbeddings(
  body: unknown,
  inputs: number,
  dimensions: number | undefined,
): number[][] | undefined {
  const read = z
    .looseObject({
      data: z.array(z.looseObject({ index: z.int().min(0), embedding: z.array(z.number()) })).length(inputs),
    })
    .safeParse(body);
  if (!read.success) return undefined;
  const vectors: number[][] = [];
  for (const item of read.data.data) {
    if (item.index >= inputs || vectors[item.index] !== undefined) return undefined;
    if (dimensions !== undefined && item.embedding.length !== dimensions) return undefined;
    if (item.embedding.length === 0 || !item.embedding.every(Number.isFinite)) return undefined;
    vectors[item.index] = item.embedding;
  }
  return vectors;
}
