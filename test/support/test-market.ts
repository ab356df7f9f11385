// startMarket() exactly as `agora start` runs it, on 127.0.0.1:0, in a fresh data directory — on embedded
// PGlite, or (AGORA_TEST_DATABASE=postgres) in a fresh database on the real PostgreSQL server.
import { DEFAULT_MARKET_RULES } from '../../src/domain/economics/market-rules.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startMarket, type MarketOptions, type RunningMarket } from '../../src/main/market.ts';
import { localMarketOptions } from '../../src/main/local-market-options.ts';
import { DEFAULT_MAINTENANCE_RULES } from '../../src/domain/hosts/maintenance.ts';
import { MIGRATED_POSTGRES_TEMPLATE } from './migrated-templates.ts';
import { TEST_MODEL_CACHE } from './model-cache-dir.ts';
import { createMarketClient, type MarketClient } from '../../src/sdk/market-client.ts';

export const onPostgres = (): boolean => process.env.AGORA_TEST_DATABASE === 'postgres';

/** A new database on the test server: empty, or (`migrated`) a copy of the global setup's migrated one. */
export async function freshPostgresDatabase({ migrated = false } = {}): Promise<string> {
  const serverUrl = process.env.AGORA_TEST_POSTGRES_URL;
  if (!serverUrl) throw new Error('AGORA_TEST_POSTGRES_URL is not set: the global setup starts the server');
  const name = `agora_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`create database ${name}${migrated ? ` template ${MIGRATED_POSTGRES_TEMPLATE}` : ''}`);
  await admin.end();
  return `${serverUrl}/${name}`;
}

export type TestMarket = RunningMarket & { dataDir: string; databaseUrl: string | undefined; stop(): Promise<void> };

export async function startTestMarket(overrides: Partial<MarketOptions> = {}): Promise<TestMarket> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'agora-market-'));
  const databaseUrl =
    'databaseUrl' in overrides
      ? overrides.databaseUrl
      : onPostgres()
        ? await freshPostgresDatabase({ migrated: true })
        : undefined;
  const market = await startMarket(
    localMarketOptions({
      dataDir,
      databaseUrl,
      modelCacheDir: TEST_MODEL_CACHE,
      builtinHosts: 1,
      // No repricing within a test unless it asks: its expected costs use the catalog's prices.
      economics: { ...DEFAULT_MARKET_RULES, pricing: { ...DEFAULT_MARKET_RULES.pricing, intervalMs: 3_600_000 } },
      // As the local defaults have it, epochs settle (POST /admin/epochs/settle) and samples are re-scored
      // (verifyNow) only when a test asks.
      demoCredits: 10_000_000_000n,
      leaseChunkNanos: 1_000_000_000n,
      rateLimits: { requestsPerMinute: 600, tokensPerMinute: 1_000_000 },
      maintenanceRules: { ...DEFAULT_MAINTENANCE_RULES, minNoticeMs: 0 },
      capacityProbes: { intervalMs: 0, budgetPerDay: 1_000_000_000n },
      // Traffic samples often enough for a test to see a status change in a second.
      trafficSampleMs: 250,
      ...overrides,
    }),
  );
  return {
    ...market,
    dataDir,
    databaseUrl,
    async stop() {
      await market.close();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls the admin API with the operator key. */
export async function admin<T = Record<string, unknown>>(
  market: RunningMarket,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${market.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${market.operatorKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The typed SDK on a market, as the operator unless another key or token is given. */
export const marketClient = (market: RunningMarket, token: string = market.operatorKey): MarketClient =>
  createMarketClient({ baseUrl: market.url, token });

/** A new account with credits and a key, through the admin API. */
export async function fundedBuyer(
  market: RunningMarket,
  credits: string,
): Promise<{ accountId: string; key: string; keyId: string }> {
  const { admin: operator } = marketClient(market);
  const account = await operator.createAccount({ body: { name: 'test buyer' } });
  if (credits !== '0')
    await operator.grantCredits({
      params: { id: account.id },
      body: { amount: credits, idempotency_key: randomUUID() },
    });
  const key = await operator.issueKey({ body: { account_id: account.id, name: 'test' } });
  return { accountId: account.id, key: key.key, keyId: key.id };
}
