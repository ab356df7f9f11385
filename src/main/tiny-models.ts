// Composition for the model tools: where generated models are cached and how one is made or measured.
import { resolve } from 'node:path';
import { ensureTinyModel, type ModelFiles } from '../adapters/engines/builtin/model-cache.ts';
import {
  formatDistanceTable,
  measureDistanceTable,
  type DistanceRow,
} from '../adapters/engines/builtin/distance-table.ts';
import { describeVariant, type VariantName } from '../domain/tiny-model/model-variant.ts';

export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.AGORA_MODEL_CACHE ?? '.cache/models');
}

export function makeTinyModel(
  variant: VariantName,
  seed: number | undefined,
  cacheDir = modelCacheDir(),
): Promise<ModelFiles> {
  return ensureTinyModel(cacheDir, describeVariant(variant, seed));
}

export async function runDistanceTable(onRow: (row: DistanceRow) => void, cacheDir = modelCacheDir()): Promise<string> {
  const rows = await measureDistanceTable(cacheDir, { maxTokens: 48, topK: 5, onRow });
  return formatDistanceTable(rows);
}
