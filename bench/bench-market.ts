// A market for the benches: started in this process (so compare.mjs can measure its CPU by pid), selling a bench
// model metered with the built-in model's tokenizer, served by the given upstreams as operator-registered hosts,
// with a funded buyer key whose own rate limits are far above what a bench sends (the limiter runs, never refuses).
// Without `provision` it only starts a gateway on a database another bench market provisioned (scale-out runs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMarket, type MarketOptions, type RunningMarket } from '../src/main/market.ts';
import { localMarketOptions } from '../src/main/local-market-options.ts';
import { makeTinyModel, modelCacheDir } from '../src/main/tiny-models.ts';

export type BenchMarket = { market: RunningMarket; key: string; close(): Promise<void> };

export const BENCH_MODEL = 'bench-model';

export async function startBenchMarket(
  databaseUrl: string | undefined,
  upstreamUrls: readonly string[],
  { provision = true, overrides = {} }: { provision?: boolean; overrides?: Partial<MarketOptions> } = {},
): Promise<BenchMarket> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
  const market = await startMarket(
    localMarketOptions({
      dataDir,
      databaseUrl,
      modelCacheDir: modelCacheDir(),
      settlementIntervalMs: 5_000,
      leaseChunkNanos: 1_000_000_000n,
      rateLimits: { requestsPerMinute: 600, tokensPerMinute: 1_000_000 },
      verification: { samplingFloor: 0.02, workerIntervalMs: 1_000 },
      logLevel: 'error',
      ...overrides,
    }),
  );
  const close = async () => {
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  if (!provision) return { market, key: '', close };
  try {
    const tiny = await makeTinyModel('reference', undefined);
    await market.store.upsertModel({
      id: BENCH_MODEL,
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
      const res = await fetch(`${market.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${market.operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    for (const [i, url] of upstreamUrls.entries()) {
      await call('/admin/engines', {
        id: `bench-upstream-${i}`,
        name: `bench upstream ${i}`,
        base_url: url,
        engine_kind: 'openai-compatible',
        model_id: BENCH_MODEL,
        upstream_model: BENCH_MODEL,
      });
    }
    const account = await call('/admin/accounts', { name: 'bench buyer' });
    await call(`/admin/accounts/${account.id}/credits`, { amount: '1000000', idempotency_key: `bench-${account.id}` });
    const key = await call('/admin/keys', {
      account_id: account.id,
      name: 'bench',
      rate_limit_rpm: 1_000_000_000,
      rate_limit_tpm: 1_000_000_000,
    });
    return { market, key: key.key as string, close };
  } catch (error) {
    await close();
    throw error;
  }
}
