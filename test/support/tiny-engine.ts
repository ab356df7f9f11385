import { ensureTinyModel, type ModelFiles } from '../../src/adapters/engines/builtin/model-cache.ts';
import { loadLlamaEngine, type LlamaEngine } from '../../src/adapters/engines/builtin/llama-engine.ts';
import { describeVariant, type VariantName } from '../../src/domain/tiny-model/model-variant.ts';
import { TEST_MODEL_CACHE } from './model-cache-dir.ts';

export async function tinyModelFiles(variant: VariantName = 'reference'): Promise<ModelFiles> {
  return ensureTinyModel(TEST_MODEL_CACHE, describeVariant(variant));
}

export async function loadTinyEngine(
  variant: VariantName = 'reference',
  options: { sequences?: number; queueLimit?: number } = {},
): Promise<LlamaEngine> {
  const files = await tinyModelFiles(variant);
  return loadLlamaEngine({ modelPath: files.ggufPath, contextSize: 1024, ...options });
}
