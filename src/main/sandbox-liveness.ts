// `agora sandbox --scenario liveness`: the demo market that once stopped serving after one idle minute, run for real.
// A market on a fresh embedded database with demand pricing accelerated (a repricing every 250 ms), two `agora host`
// processes with the built-in engine asking the base price; a request, many idle repricings, another request, then
// a load the surviving host can carry while one host is killed with SIGKILL. Ends with one JSON line for tools.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, grantCredits, issueKey, unlimitedKey } from '../app/admin/account-admin.ts';
import { DEFAULT_MARKET_RULES } from '../domain/economics/market-rules.ts';
import { parseNanos } from '../domain/money/nanos.ts';
import { createPrng } from '../domain/tiny-model/prng.ts';
import { startMarket } from './market.ts';
import { localMarketOptions } from './local-market-options.ts';
import { sandboxRequest } from './sandbox.ts';
import { cryptoIds } from './system-ports.ts';
import { spawnHost } from './sandbox-processes.ts';

const REPRICE_MS = 250;

export type LivenessOptions = {
  seed: number;
  idleRepricings: number;
  loadRequests: number;
  modelCacheDir: string;
  say(line: string): void;
};

type Prices = { prompt: string; completion: string };
type Pricing = { model: string; price: Prices; asks: Array<{ host: string; ask: Prices | null; online: boolean }> };

export type LivenessResult = {
  scenario: 'liveness';
  seed: number;
  ok: boolean;
  first_status: number;
  idle_repricings: number;
  price_after_idle: Prices;
  host_ask: Prices | null;
  after_idle_status: number;
  load_requests: number;
  load_statuses: Record<string, number>;
  killed_host: string;
};

export async function runLivenessSandbox(options: LivenessOptions): Promise<LivenessResult> {
  const { say } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-sandbox-liveness-'));
  const economics = { ...DEFAULT_MARKET_RULES, pricing: { ...DEFAULT_MARKET_RULES.pricing, intervalMs: REPRICE_MS } };
  const market = await startMarket(localMarketOptions({ dataDir, modelCacheDir: options.modelCacheDir, economics }));
  const hosts: ChildProcess[] = [];
  try {
    const admin = { store: market.store, ids: cryptoIds, revoked: () => undefined };
    const buyer = await createAccount(admin, 'Sandbox buyer');
    await grantCredits(admin, buyer, 1_000_000_000_000n, `sandbox-liveness-${options.seed}`);
    const { key } = await issueKey(admin, buyer, 'buyer', unlimitedKey(buyer));
    const started = await Promise.all(
      ['host-a', 'host-b'].map((name) => spawnHost(market.url, join(dataDir, name), name, options.modelCacheDir)),
    );
    hosts.push(...started.map((h) => h.child));
    say(
      `market ${market.url}: two \`agora host\` processes (${started.map((h) => h.hostId).join(', ')}), repricing every ${REPRICE_MS} ms; seed ${options.seed}`,
    );

    const prng = createPrng(options.seed);
    const ask = async (): Promise<number> => {
      const response = await fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...sandboxRequest(prng), stream: false }),
      });
      await response.text();
      return response.status;
    };
    const pricing = async () =>
      ((await (await fetch(`${market.url}/v1/pricing`)).json()) as { data: Pricing[] }).data[0] as Pricing;
    const repricings = async () =>
      (
        (await (await fetch(`${market.url}/v1/pricing/history?model=agora-tiny&limit=10000`)).json()) as {
          data: unknown[];
        }
      ).data.length;

    const firstStatus = await ask();
    say(`request before idling: HTTP ${firstStatus}; price ${JSON.stringify((await pricing()).price)}`);
    const idleUntil = (await repricings()) + options.idleRepricings;
    for (let seen = await repricings(); seen < idleUntil; seen = await repricings())
      await new Promise((resolve) => setTimeout(resolve, REPRICE_MS));
    const idle = await pricing();
    const hostAsk = idle.asks.find((a) => a.online)?.ask ?? null;
    say(
      `after ${options.idleRepricings} idle repricings: price ${JSON.stringify(idle.price)}, the hosts ask ${JSON.stringify(hostAsk)}`,
    );
    const afterIdleStatus = await ask();
    say(`request after idling: HTTP ${afterIdleStatus}`);

    // Three at a time: what one built-in host (4 slots) carries alone once the other is gone.
    const statuses: Record<string, number> = {};
    let sent = 0;
    const killed = started[1] as { hostId: string; child: ChildProcess };
    const worker = async () => {
      while (sent < options.loadRequests) {
        sent += 1;
        if (sent === Math.floor(options.loadRequests / 3)) {
          killed.child.kill('SIGKILL');
          say(`killed ${killed.hostId} (SIGKILL) after ${sent} requests`);
        }
        const status = String(await ask());
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: 3 }, worker));
    say(`load of ${options.loadRequests} requests with a host killed: ${JSON.stringify(statuses)}`);
    const nanos = (text: string) => parseNanos(text) ?? 0n;
    const atOrAboveAsk =
      hostAsk !== null &&
      nanos(idle.price.prompt) >= nanos(hostAsk.prompt) &&
      nanos(idle.price.completion) >= nanos(hostAsk.completion);
    return {
      scenario: 'liveness',
      seed: options.seed,
      ok: firstStatus === 200 && afterIdleStatus === 200 && atOrAboveAsk && statuses['200'] === options.loadRequests,
      first_status: firstStatus,
      idle_repricings: options.idleRepricings,
      price_after_idle: idle.price,
      host_ask: hostAsk,
      after_idle_status: afterIdleStatus,
      load_requests: options.loadRequests,
      load_statuses: statuses,
      killed_host: killed.hostId,
    };
  } finally {
    for (const child of hosts) child.kill('SIGKILL');
    await market.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
