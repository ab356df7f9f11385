// Starts a worker thread on a module of this codebase. The product runs its TypeScript sources through tsx
// (bin/agora.js registers it on the main thread only), and vitest transforms them itself: neither reaches a worker
// thread, which starts with Node's bare loader. A `.ts` entry is therefore loaded behind tsx's ESM hooks,
// registered inside the new thread first; a compiled `.js` entry starts as it is.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

type TsxManifest = { exports: Record<string, { import: { default: string } }> };

/**
 * Where tsx's ESM registration API lives. Resolved from tsx's own export map: `import.meta.resolve` is missing
 * under vitest, and tsx's CommonJS build of the same API registers hooks from the wrong folder.
 */
function tsxRegisterUrl(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = require(manifestPath) as TsxManifest;
  const api = manifest.exports['./esm/api']?.import.default;
  if (api === undefined) throw new Error('tsx has no ./esm/api export to load TypeScript in a worker thread');
  return pathToFileURL(join(dirname(manifestPath), api)).href;
}

export function startModuleWorker(entry: URL, options: Omit<WorkerOptions, 'eval'>): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  // The bootstrap is evaluated as a script: its dynamic imports take absolute URLs, so it works from any cwd.
  const bootstrap = `import(${JSON.stringify(tsxRegisterUrl())})
    .then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
