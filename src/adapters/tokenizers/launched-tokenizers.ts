// Tokenizers of models launched from a manifest, on disk where the catalog loads them: one directory per content
// (named by its digest), so versions that share a tokenizer share the files and a directory never changes once
// written. The database keeps the files too; this is where a gateway instance puts them to load them.
import { createReadStream } from 'node:fs';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenizerFiles } from '../../app/models/model-version-store.ts';
import type { Tokenizer } from '../../app/ports.ts';
import { digestOf, streamingDigest } from '../keys/sha256-digest.ts';
import { loadMeteringTokenizer } from './hf-tokenizer.ts';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Writes the files under `<root>/<digest>/` unless they are there; returns the directory. */
export async function placeTokenizerFiles(root: string, files: TokenizerFiles): Promise<string> {
  const digest = streamingDigest().update(files.json).update('\0').update(files.config).digest('hex');
  const dir = join(root, digest);
  if (await exists(join(dir, 'tokenizer_config.json'))) return dir;
  await mkdir(dir, { recursive: true });
  // The config is written last, each by rename: a directory holding it holds both files whole.
  for (const [name, text] of [
    ['tokenizer.json', files.json],
    ['tokenizer_config.json', files.config],
  ] as const) {
    const partial = join(dir, `${name}.${process.pid}.partial`);
    await writeFile(partial, text);
    await rename(partial, join(dir, name));
  }
  return dir;
}

export const loadTokenizerDir = (dir: string): Promise<Tokenizer> =>
  loadMeteringTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));

/** `sha256:<hex>` of a file, read as a stream (weights are gigabytes); undefined when it cannot be read. */
export async function fileDigest(path: string): Promise<string | undefined> {
  const hash = streamingDigest();
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return undefined;
  }
  return digestOf(hash);
}
