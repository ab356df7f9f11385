// Generated models live in a cache directory, written on first use (about a second) and reused after: the GGUF,
// the Hugging Face tokenizer files and a manifest with the weights digest (the SKU's identity).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTinyModel } from '../../../domain/tiny-model/model-recipe.ts';
import { variantFileStem, type ModelVariant } from '../../../domain/tiny-model/model-variant.ts';
import { buildTokenizerFiles } from '../../../domain/tiny-model/tokenizer-files.ts';

export type ModelFiles = {
  dir: string;
  ggufPath: string;
  tokenizerJsonPath: string;
  tokenizerConfigPath: string;
  sha256: string;
  variant: ModelVariant;
};

type Manifest = { sha256: string; variant: ModelVariant };

async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
}

export async function ensureTinyModel(cacheDir: string, variant: ModelVariant): Promise<ModelFiles> {
  const dir = join(cacheDir, variantFileStem(variant));
  const files = {
    dir,
    ggufPath: join(dir, 'model.gguf'),
    tokenizerJsonPath: join(dir, 'tokenizer.json'),
    tokenizerConfigPath: join(dir, 'tokenizer_config.json'),
  };
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    return { ...files, sha256: manifest.sha256, variant };
  }
  await mkdir(dir, { recursive: true });
  const model = generateTinyModel(variant);
  const tokenizer = buildTokenizerFiles(model.vocab);
  const sha256 = createHash('sha256').update(model.gguf).digest('hex');
  await writeAtomically(files.ggufPath, model.gguf);
  await writeAtomically(files.tokenizerJsonPath, JSON.stringify(tokenizer.tokenizerJson));
  await writeAtomically(files.tokenizerConfigPath, JSON.stringify(tokenizer.tokenizerConfig, null, 2));
  // The manifest is written last: its presence means every other file is complete.
  await writeAtomically(manifestPath, JSON.stringify({ sha256, variant } satisfies Manifest, null, 2));
  return { ...files, sha256, variant };
}
