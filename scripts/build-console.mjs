#!/usr/bin/env node
// Bundles the web console (src/console, Preact + uPlot) into dist/console with esbuild: one script, one stylesheet,
// no CDN. `npm ci` runs it (the `prepare` script); the market serves whatever it finds there.
import { build } from 'esbuild';

const started = Date.now();
await build({
  entryPoints: { console: 'src/console/main.tsx' },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: 'dist/console',
  logLevel: 'warning',
});
console.log(`console bundled into dist/console in ${Date.now() - started} ms`);
