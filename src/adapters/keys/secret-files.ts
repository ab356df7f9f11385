// Secrets the operator needs again (the operator key, the demo key) live in 0600 files in the data directory;
// every other key exists only as a hash in the database.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export async function readSecretFile(path: string): Promise<string | undefined> {
  return existsSync(path) ? (await readFile(path, 'utf8')).trim() : undefined;
}

export async function writeSecretFile(path: string, secret: string): Promise<void> {
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
}
