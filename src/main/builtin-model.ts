// The model the market sells out of the box: the generated tiny model (reference, F32) as the SKU `agora-tiny`,
// and the built-in engine that serves it — for the market's own host and for `agora host --engine builtin`.
import type { CatalogStore } from '../app/v1/catalog-store.ts';
import { loadLlamaEngine, type LlamaEngine } from '../adapters/engines/builtin/llama-engine.ts';
import type { ModelFiles } from '../adapters/engines/builtin/model-cache.ts';
import { MODEL_SHAPE } from '../domain/tiny-model/model-recipe.ts';
import { makeTinyModel } from './tiny-models.ts';

export const BUILTIN_MODEL_ID = 'agora-tiny';
export const BUILTIN_PRICES = { prompt: 100n, completion: 200n };
export const BUILTIN_QUANTIZATION = 'f32';

export const builtinDigest = (files: ModelFiles): string => `sha256:${files.sha256}`;

/** Puts the built-in SKU in the catalog (a market with no built-in host still sells it to host agents). */
export async function ensureBuiltinModel(
  store: Pick<CatalogStore, 'upsertModel'>,
  modelCacheDir: string,
): Promise<ModelFiles> {
  const files = await builtinModelFiles(modelCacheDir);
  await store.upsertModel({
    id: BUILTIN_MODEL_ID,
    name: 'Agora Tiny (generated, bigram backbone, F32)',
    contextLength: MODEL_SHAPE.contextLength,
    promptPrice: BUILTIN_PRICES.prompt,
    completionPrice: BUILTIN_PRICES.completion,
    defaultMaxTokens: 128,
    maxTokensCap: 512,
    tokenizerDir: files.dir,
    digest: builtinDigest(files),
    quantization: BUILTIN_QUANTIZATION,
  });
  return files;
}

/** The built-in SKU's files, generated into the model cache on first use. */
export const builtinModelFiles = (modelCacheDir: string): Promise<ModelFiles> =>
  makeTinyModel('reference', undefined, modelCacheDir);

export function loadBuiltinEngine(files: ModelFiles): Promise<LlamaEngine> {
  return loadLlamaEngine({ modelPath: files.ggufPath, sequences: 4, queueLimit: 64 });
}
