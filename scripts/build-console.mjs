#!/usr/bin/env node
// Bundles the web console (src/console, Preact + uPlot) into dist/console with esbuild: one script, one stylesheet,
// no CDN. `npm ci` runs it (the `prepare` script); the market serves whatever it finds there.
import { build } from 'esbuild';

/**
 * The console parses answers with the contracts' zod schemas. zod's namespace re-exports all of its ~50 message
 * locales, which a bundler cannot drop (about 400 kB); the console speaks English, so the locale index is cut down to it.
 */
const englishZodOnly = {
  name: 'english-zod-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/zod/') ? { path: 'zod-locales', namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

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
  plugins: [englishZodOnly],
});
console.log(`console bundled into dist/console in ${Date.now() - started} ms`);
