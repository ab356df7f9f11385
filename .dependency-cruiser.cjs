// The architecture as rules: who may import whom (see STYLE.md). Checked by `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports only src/domain (and node:crypto for hashing and signatures)',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain', '^crypto$', 'node:crypto'] },
    },
    {
      name: 'contracts-only-domain-values',
      severity: 'error',
      from: { path: '^src/contracts' },
      to: { path: '^src/(app|adapters|main|cli|sdk)' },
    },
    {
      name: 'app-not-adapters',
      comment: 'use cases depend on ports, never on Fastify, Kysely or undici adapters',
      severity: 'error',
      from: { path: '^src/app' },
      to: { path: ['^src/(adapters|main|cli)', 'node_modules/(fastify|kysely|pg|undici|node-llama-cpp)'] },
    },
    {
      name: 'adapters-not-main',
      severity: 'error',
      from: { path: '^src/adapters' },
      to: { path: '^src/(main|cli)' },
    },
    {
      name: 'console-is-a-client',
      comment:
        'the web console runs in the browser and knows the market only by its HTTP API: through the SDK and the contracts it is derived from (both browser-safe, see sdk-is-browser-safe)',
      severity: 'error',
      from: { path: '^src/console' },
      to: { path: '^src/(?!console|sdk|contracts)' },
    },
    {
      name: 'sdk-only-contracts',
      comment: 'the typed client is derived from the route contracts and knows nothing of the server',
      severity: 'error',
      from: { path: '^src/sdk' },
      to: { path: '^src/(?!sdk|contracts)' },
    },
    {
      name: 'sdk-is-browser-safe',
      comment: 'the console bundles the SDK and the contracts: no node built-ins anywhere they reach',
      severity: 'error',
      from: { path: '^src/(sdk|contracts|console)' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'nothing-imports-the-console',
      severity: 'error',
      from: { path: '^src/(?!console)' },
      to: { path: '^src/console' },
    },
    {
      name: 'only-cli-imports-main',
      severity: 'error',
      from: { path: '^src', pathNot: ['^src/(cli|main)'] },
      to: { path: '^src/main' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
