// A model launched from a manifest (`agora models add <manifest.yaml>`): what the operator writes (file paths, read
// by the CLI on its machine) and what the admin API takes (the same fields, with the tokenizer's contents).
// Prices are per token in the market's currency, as exact decimal strings (YAML would read 0.0000001 as a float).
import { z } from 'zod';
import { amountSchema } from '../amount.ts';

/** What a model can do beyond plain chat; a request for a capability a model lacks is refused. */
export const MODEL_CAPABILITIES = ['tools', 'json_schema', 'embeddings'] as const;
export type ModelCapability = (typeof MODEL_CAPABILITIES)[number];

/** The model's own id rules: what buyers write in `model` (no `@`, which pins a quantization). */
export const modelIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'an id of 2 to 64 lower-case letters, digits, ".", "_" or "-"');

const price = amountSchema;

/**
 * A readiness probe: a prompt whose answer (greedy, at most `max_tokens`) a host's engine must give within the
 * model's probe distance of `expect` — the reference's answer. Not exactly: honest GPU serving cannot reproduce
 * another machine's answer token for token (docs/decisions/026-models-from-a-manifest.md).
 */
export const readinessProbeSchema = z.strictObject({
  prompt: z.string().min(1).max(4_000),
  /** the reference's answer; none for an embedding model, whose host embeds the prompt instead */
  expect: z.string().max(4_000).optional(),
  max_tokens: z.int().min(1).max(256).default(16),
});
export type ReadinessProbe = z.infer<typeof readinessProbeSchema>;

/** The fields every form shares: identity, SKU, limits, capabilities, prices, hardware, readiness. */
const manifestFields = {
  id: modelIdSchema,
  name: z.string().min(1).max(200),
  sku: z.strictObject({
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a weights digest: sha256: and 64 lower-case hex digits'),
    quantization: z.string().regex(/^[a-z0-9_]{1,20}$/, 'a quantization such as f16, q8_0 or q4_k_m'),
  }),
  context_length: z.int().min(16).max(10_000_000),
  max_tokens: z
    .strictObject({ default: z.int().min(1), cap: z.int().min(1) })
    .refine((m) => m.default <= m.cap, { message: 'default must not exceed cap', path: ['default'] })
    .default({ default: 128, cap: 512 }),
  capabilities: z.array(z.enum(MODEL_CAPABILITIES)).max(MODEL_CAPABILITIES.length).default([]),
  /** an embedding model's vectors: their length, and whether `dimensions` may ask for fewer (Matryoshka-trained) */
  embedding: z
    .strictObject({ dimensions: z.int().min(1).max(65_536), shortenable: z.boolean().default(false) })
    .optional(),
  /**
   * per token, per usage class; the market prices a cached prompt token (at most the prompt price) and a reasoning
   * token (at most 4× the completion price) as factors of the demand price, by default a quarter of the prompt price
   * and the completion price
   */
  prices: z.strictObject({
    prompt: price,
    completion: price,
    cached_prompt: price.optional(),
    reasoning: price.optional(),
  }),
  /** what a host needs to serve it (shown to hosts and the operator; the market does not enforce it) */
  hardware: z
    .strictObject({
      accelerator: z.enum(['gpu', 'cpu', 'any']).default('any'),
      min_memory_gb: z.number().positive().max(100_000).optional(),
      notes: z.string().max(1_000).optional(),
    })
    .default({ accelerator: 'any' }),
  readiness: z.strictObject({
    /** the largest probe distance (normalised token edit distance, 0–1) a host's answer may have */
    distance: z.number().min(0).max(1).default(0.25),
    probes: z.array(readinessProbeSchema).min(1).max(32),
  }),
};

/**
 * `reference.weights`: a GGUF file on the market's machine that the market's verifier loads to re-score sampled
 * answers; it must hash to the SKU's digest. Without it the model is listed as unverified.
 */
const referenceSchema = z.strictObject({ weights: z.string().min(1).max(4_096) });

/**
 * What the fields say together. `embeddings` makes an embedding model: it names its vectors, serves `/v1/embeddings`
 * only (tools and json_schema are chat's), and its probes are embedded, not answered (no `expect`). Any other model
 * is a chat model, whose probes need the reference's answer.
 */
function checkModelKind(
  manifest: {
    capabilities: readonly ModelCapability[];
    embedding?: object | undefined;
    readiness: { probes: ReadonlyArray<{ expect?: string | undefined }> };
  },
  ctx: z.RefinementCtx,
): void {
  const embeds = manifest.capabilities.includes('embeddings');
  if (embeds && manifest.embedding === undefined)
    ctx.addIssue({ code: 'custom', path: ['embedding'], message: 'an embedding model names its vectors: dimensions' });
  if (!embeds && manifest.embedding !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['embedding'],
      message: 'only a model with the embeddings capability has one',
    });
  for (const chat of ['tools', 'json_schema'] as const)
    if (embeds && manifest.capabilities.includes(chat))
      ctx.addIssue({
        code: 'custom',
        path: ['capabilities'],
        message: `an embedding model serves embeddings only, not ${chat}`,
      });
  manifest.readiness.probes.forEach((probe, i) => {
    if (embeds === (probe.expect !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['readiness', 'probes', i, 'expect'],
        message: embeds
          ? "an embedding model's probe is embedded, not answered: no expect"
          : "the reference's answer to the prompt is required",
      });
  });
}

/** The manifest as the operator writes it; paths are relative to the manifest's own directory. */
export const modelManifestFileSchema = z
  .strictObject({
    ...manifestFields,
    /** a directory holding tokenizer.json and tokenizer_config.json, or the two files */
    tokenizer: z.union([z.string().min(1), z.strictObject({ json: z.string().min(1), config: z.string().min(1) })]),
    /** a Jinja chat template file; replaces the tokenizer config's `chat_template` */
    chat_template: z.string().min(1).optional(),
    reference: referenceSchema.optional(),
  })
  .superRefine(checkModelKind);
export type ModelManifestFile = z.infer<typeof modelManifestFileSchema>;

/** The manifest as the admin API stores it: no file paths but the reference's, which the market itself reads. */
export const modelManifestSchema = z
  .strictObject({ ...manifestFields, reference: referenceSchema.optional() })
  .superRefine(checkModelKind);
export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelManifestWire = z.input<typeof modelManifestSchema>;

/** The largest tokenizer the launch route takes (a large vocabulary's tokenizer.json is tens of MB). */
export const MAX_TOKENIZER_BYTES = 48 * 1024 * 1024;

/** POST /admin/models: a manifest and its tokenizer's files as text (the chat template already in the config). */
export const modelLaunchSchema = z.strictObject({
  manifest: modelManifestSchema,
  tokenizer: z.strictObject({
    json: z.string().min(2).max(MAX_TOKENIZER_BYTES),
    config: z
      .string()
      .min(2)
      .max(1024 * 1024),
  }),
});
export type ModelLaunch = z.infer<typeof modelLaunchSchema>;
