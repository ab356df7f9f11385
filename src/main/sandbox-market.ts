// What a sandbox scenario stands on: a market on a fresh embedded database in a temporary directory, buyers funded
// through the operator's own use cases, a buyer's calls to the API as any client makes them, and the host processes
// it started — all of it gone when it closes.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import { localMarketOptions } from './local-market-options.ts';
import { startMarket, type MarketOptions, type RunningMarket } from './market.ts';
import { spawnHost } from './sandbox-processes.ts';
import { cryptoIds } from './system-ports.ts';

export type SandboxMarket = {
  market: RunningMarket;
  dataDir: string;
  /** a new account granted `credits` nano-units, and its unlimited key */
  buyer(name: string, credits: bigint): Promise<string>;
  /** a buyer's request to the market's API */
  call(key: string, method: string, path: string, body?: object): Promise<Response>;
  /** `agora host --engine <engine>` as its own process, in a data directory of its own; killed on close */
  spawnHost(name: string, engine?: string): Promise<{ hostId: string; dataDir: string }>;
  close(): Promise<void>;
};

export async function openSandboxMarket(
  scenario: string,
  options: { seed: number; modelCacheDir: string; market?: Partial<MarketOptions> },
): Promise<SandboxMarket> {
  const dataDir = mkdtempSync(join(tmpdir(), `agora-sandbox-${scenario}-`));
  const market = await startMarket(
    localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir, ...options.market }),
  );
  const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
  const children: ChildProcess[] = [];
  return {
    market,
    dataDir,
    async buyer(name, credits) {
      const account = await createAccount(admin, name);
      await grantCredits(admin, account, credits, `sandbox-${scenario}-${name}-${options.seed}`);
      return (await issueKey(admin, account, 'buyer', unlimitedKey(account))).key;
    },
    call: (key, method, path, body) =>
      fetch(`${market.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
    async spawnHost(name, engine) {
      const hostDir = join(dataDir, name);
      const host = await spawnHost(market.url, hostDir, name, options.modelCacheDir, engine);
      children.push(host.child);
      return { hostId: host.hostId, dataDir: hostDir };
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await market.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A few short chat prompts that scenarios send in turn. */
export const SANDBOX_PROMPTS = ['Tell me about the market.', 'Who serves the models?', 'What does the ledger keep?'];
