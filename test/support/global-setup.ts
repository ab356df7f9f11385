// Runs once before all test files: generates the tiny models every engine test loads, so parallel test files
// don't race to write them.
import { ensureTinyModel } from '../../src/adapters/engines/builtin/model-cache.ts';
import { describeVariant, VARIANT_NAMES } from '../../src/domain/tiny-model/model-variant.ts';
import { TEST_MODEL_CACHE } from './model-cache-dir.ts';

export default async function setup(): Promise<void> {
  for (const name of VARIANT_NAMES) await ensureTinyModel(TEST_MODEL_CACHE, describeVariant(name));
}
