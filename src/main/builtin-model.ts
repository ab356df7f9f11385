// The models the market sells out of the box: the generated tiny model (reference, F32) as the chat SKU
// `agora-tiny` and, with the same weights, as the embedding SKU `agora-tiny-embed` (its last hidden state, unit
// length); and the built-in engine that serves both — for the market's own host and `agora host --engine builtin`.
import type { CatalogStore, ModelRecord } from '../app/v1/catalog-store.ts';
import {
  loadLlamaEngine,
  type LlamaEngine,
  type LlamaEngineOptions,
} from '../adapters/engines/builtin/llama-engine.ts';
import type { ModelFiles } from '../adapters/engines/builtin/model-cache.ts';
import { MODEL_SHAPE } from '../domain/tiny-model/model-recipe.ts';
import { makeTinyModel } from './tiny-models.ts';

export const BUILTIN_MODEL_ID = 'agora-tiny';
export const BUILTIN_PRICES = { prompt: 100n, completion: 200n };
export const BUILTIN_QUANTIZATION = 'f32';
export const BUILTIN_EMBED_MODEL_ID = 'agora-tiny-embed';
/** Embeddings bill the input only; the completion price is never charged (no completion tokens). */
export const BUILTIN_EMBED_PRICES = { prompt: 20n, completion: 20n };

export const builtinDigest = (files: ModelFiles): string => `sha256:${files.sha256}`;

/** The built-in SKUs as the catalog lists them: the chat model and the embedding model, on the same weights. */
export function builtinModels(files: ModelFiles): ModelRecord[] {
  const sku = {
    contextLength: MODEL_SHAPE.contextLength,
    tokenizerDir: files.dir,
    digest: builtinDigest(files),
    quantization: BUILTIN_QUANTIZATION,
  };
  return [
    {
      ...sku,
      id: BUILTIN_MODEL_ID,
      name: 'Agora Tiny (generated, bigram backbone, F32)',
      promptPrice: BUILTIN_PRICES.prompt,
      completionPrice: BUILTIN_PRICES.completion,
      defaultMaxTokens: 128,
      maxTokensCap: 512,
      capabilities: ['chat'],
    },
    {
      ...sku,
      id: BUILTIN_EMBED_MODEL_ID,
      name: 'Agora Tiny Embed (generated, last hidden state, F32)',
      promptPrice: BUILTIN_EMBED_PRICES.prompt,
      completionPrice: BUILTIN_EMBED_PRICES.completion,
      defaultMaxTokens: 1,
      maxTokensCap: 1,
      capabilities: ['embeddings'],
      // A generated model is not trained for shortened vectors; `dimensions` is offered to show the mechanism.
      embedding: { dimensions: MODEL_SHAPE.embedding, shortenable: true },
    },
  ];
}

/** Puts the built-in SKUs in the catalog (a market with no built-in host still sells them to host agents). */
export async function ensureBuiltinModel(
  store: Pick<CatalogStore, 'upsertModel'>,
  modelCacheDir: string,
): Promise<ModelFiles> {
  const files = await builtinModelFiles(modelCacheDir);
  for (const model of builtinModels(files)) await store.upsertModel(model);
  return files;
}

/** The built-in SKU's files, generated into the model cache on first use. */
export const builtinModelFiles = (modelCacheDir: string): Promise<ModelFiles> =>
  makeTinyModel('reference', undefined, modelCacheDir);

/** `floor`: an emulated hardware floor on every answer (the sandbox's `--floor-profile`); none by default. */
export function loadBuiltinEngine(files: ModelFiles, floor?: LlamaEngineOptions['floor']): Promise<LlamaEngine> {
  return loadLlamaEngine({ modelPath: files.ggufPath, sequences: 4, queueLimit: 64, ...(floor ? { floor } : {}) });
}
