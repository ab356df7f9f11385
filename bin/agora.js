#!/usr/bin/env node
// The `agora` command. It runs the compiled build (dist/server, made by `npm ci`) while that build is newer than
// every source file under src/, and the TypeScript sources through tsx otherwise: an edited checkout never runs stale
// code, and an untouched one starts without tsx's transform (decision 020).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** the newest modification time of a file under dir (the console is bundled on its own, so it is left out) */
function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(root, 'src', 'console')) newest = Math.max(newest, newestSourceMs(path));
    } else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function freshBuild() {
  try {
    const { builtAtMs } = JSON.parse(readFileSync(join(root, 'dist', 'server', 'built.json'), 'utf8'));
    return builtAtMs >= newestSourceMs(join(root, 'src'));
  } catch {
    return false; // never built
  }
}

if (freshBuild()) await import('../dist/server/agora.js');
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/agora.ts');
}
