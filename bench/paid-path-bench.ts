// `npm run bench`: the paid path (auth + route + meter + hold + capture) against the direct upstream, in one run,
// with ../shared/bench/compare.mjs — first on PostgreSQL (the production configuration), then on embedded PGlite.
// The bench upstream is registered as an external OpenAI-compatible engine for a bench model metered with the
// built-in model's tokenizer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MAINTENANCE_RULES } from '../src/domain/hosts/maintenance.ts';
import { startMarket } from '../src/main/market.ts';
import { makeTinyModel, modelCacheDir } from '../src/main/tiny-models.ts';
import { startPostgresServer } from '../test/support/postgres-server.ts';

const BENCH_DIR = resolve(import.meta.dirname, '..', '..', 'shared', 'bench');
const UPSTREAM_PORT = 9100;
const extraArgs = process.argv.slice(2);

async function benchOne(label: string, databaseUrl: string | undefined): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
  const market = await startMarket({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl,
    modelCacheDir: modelCacheDir(),
    builtinHosts: 0,
    takeRateBps: 1_000n,
    starterCredits: 0n,
    demoCredits: 0n,
    leaseChunkNanos: 1_000_000_000n,
    rateLimits: { requestsPerMinute: 600, tokensPerMinute: 1_000_000 },
    maintenanceRules: DEFAULT_MAINTENANCE_RULES,
    logLevel: 'error',
  });
  try {
    const tiny = await makeTinyModel('reference', undefined);
    await market.store.upsertModel({
      id: 'bench-model',
      name: 'bench upstream (metered with the agora-tiny tokenizer)',
      contextLength: 4096,
      promptPrice: 100n,
      completionPrice: 200n,
      defaultMaxTokens: 64,
      maxTokensCap: 512,
      tokenizerDir: tiny.dir,
      digest: 'none',
      quantization: 'unknown',
    });
    const call = async (path: string, body: object) => {
      const res = await fetch(`${market.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${market.operatorKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    await call('/admin/engines', { id: 'bench-upstream', name: 'bench upstream', base_url: `http://127.0.0.1:${UPSTREAM_PORT}`, engine_kind: 'openai-compatible', model_id: 'bench-model', upstream_model: 'bench-model' });
    const account = await call('/admin/accounts', { name: 'bench buyer' });
    await call(`/admin/accounts/${account.id}/credits`, { amount: '1000000', idempotency_key: 'bench' });
    // The key's own rate limits are far above what the bench sends: the limiter runs, but never refuses.
    const key = await call('/admin/keys', { account_id: account.id, name: 'bench', rate_limit_rpm: 1_000_000_000, rate_limit_tpm: 1_000_000_000 });
    console.log(`\n## ${label}: paid path (verification sampling: not built yet, so off)\n`);
    // Asynchronously: the market runs in this process and must keep serving while the driver runs.
    const driver = spawn(
      process.execPath,
      [join(BENCH_DIR, 'compare.mjs'), market.url, '--upstream-port', String(UPSTREAM_PORT), '-H', `authorization: Bearer ${key.key}`, '--gateway-pid', String(process.pid), ...extraArgs],
      { stdio: 'inherit' },
    );
    const status = await new Promise<number | null>((done) => driver.once('exit', done));
    if (status !== 0) throw new Error(`compare.mjs exited ${status}`);
  } finally {
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (!existsSync(join(BENCH_DIR, 'node_modules'))) spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH_DIR, stdio: 'inherit' });
const postgres = await startPostgresServer();
try {
  await benchOne('PostgreSQL', postgres.url);
} finally {
  postgres.stop();
}
await benchOne('PGlite (embedded)', undefined);
