#!/usr/bin/env node
// Compiles the market and the `agora` command (src/, less the console) into dist/server with esbuild: plain
// JavaScript, so the product does not pay tsx's transform and start-up at run time (decision 020). Packages stay
// external (node_modules is there at run time). `npm ci` runs it (the `prepare` script); bin/agora.js runs this
// build while it is newer than every source file and falls back to the TypeScript sources through tsx otherwise,
// so an edited checkout never runs stale code.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';

const started = Date.now();
await build({
  // The embedded database's worker thread starts from its own file, found beside the module that starts it
  // (src/adapters/sql/pglite-worker-session.ts): in the bundle, dist/server/pglite-worker.js.
  entryPoints: { agora: 'src/cli/agora.ts', 'pglite-worker': 'src/adapters/sql/pglite-worker.ts' },
  bundle: true,
  splitting: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  outdir: 'dist/server',
  logLevel: 'warning',
});
writeFileSync('dist/server/built.json', `${JSON.stringify({ builtAtMs: started })}\n`);
console.log(`server compiled into dist/server in ${Date.now() - started} ms`);
