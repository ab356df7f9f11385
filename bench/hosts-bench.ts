// The hosts scenario of `npm run bench`: four ../shared/bench/upstream.mjs hosts of one model, one of them slow (time
// to first token 10× the others), streaming under a steady open-loop load — once without hedging and once with
// `provider.hedge`, on the same warmed-up market. Prints p50/p99 of the whole response and of the first byte, and
// how many requests were hedged (at most 5% by the hedge budget).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_MODEL, startBenchMarket } from './bench-market.ts';

const HOST_PORTS = [9111, 9112, 9113, 9114];
const FAST_TTFT_MS = 20;
const SLOW_TTFT_MS = 10 * FAST_TTFT_MS;
const RATE = 40;
const SECONDS = 10;

type LoadResult = {
  rps: number;
  latency_us: { p50: number; p99: number } | null;
  ttfb_us?: { p50: number; p99: number } | null;
  requests: { ok: number; non2xx: number; errors: number };
  status_codes: Record<string, number>;
  error_samples: unknown[];
};

async function startUpstream(benchDir: string, port: number, ttftMs: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      join(benchDir, 'upstream.mjs'),
      '--port',
      String(port),
      '--ttft-ms',
      String(ttftMs),
      '--delay-ms',
      '1',
      '--tokens',
      '8',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`upstream.mjs on ${port} exited ${code}`)));
  });
  return child;
}

async function runLoad(
  benchDir: string,
  url: string,
  key: string,
  hedge: boolean,
  seconds: number,
): Promise<LoadResult> {
  const body = {
    model: BENCH_MODEL,
    messages: [{ role: 'user', content: 'Hello' }],
    max_tokens: 16,
    ...(hedge ? { provider: { hedge: true } } : {}),
  };
  const child = spawn(
    process.execPath,
    [
      join(benchDir, 'load.mjs'),
      '--url',
      `${url}/v1/chat/completions`,
      '--mode',
      'open',
      '-r',
      String(RATE),
      '-d',
      String(seconds),
      '--stream',
      '-H',
      `authorization: Bearer ${key}`,
      '--body',
      JSON.stringify(body),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`load.mjs exited ${code}`);
  const result = JSON.parse(output) as LoadResult;
  if (result.requests.ok === 0)
    throw new Error(
      `no request succeeded: ${JSON.stringify({ status: result.status_codes, errors: result.error_samples.slice(0, 3) })}`,
    );
  return result;
}

const ms = (us: number | undefined): string => (us === undefined ? '-' : (us / 1000).toFixed(1));

export async function benchSlowHost(benchDir: string, databaseUrl: string | undefined): Promise<void> {
  const upstreams = await Promise.all(
    HOST_PORTS.map((port, i) => startUpstream(benchDir, port, i === 0 ? SLOW_TTFT_MS : FAST_TTFT_MS)),
  );
  const bench = await startBenchMarket(
    databaseUrl,
    HOST_PORTS.map((port) => `http://127.0.0.1:${port}`),
  );
  try {
    console.log(
      `\n## hosts: 4 hosts of one model, one slow (TTFT ${SLOW_TTFT_MS} ms vs ${FAST_TTFT_MS} ms), streaming at ${RATE} req/s for ${SECONDS} s\n`,
    );
    await runLoad(benchDir, bench.market.url, bench.key, false, 3);
    const rows: string[] = [];
    for (const hedge of [false, true]) {
      const result = await runLoad(benchDir, bench.market.url, bench.key, hedge, SECONDS);
      await bench.market.flushBilling();
      const hedged = (await bench.market.store.listUsage({ accountId: await accountOf(bench) }, 10_000)).filter(
        (r) => r.hedged,
      ).length;
      rows.push(
        `| ${hedge ? 'with hedging' : 'without hedging'} | ${result.requests.ok} | ${result.requests.non2xx + result.requests.errors} | ${ms(result.latency_us?.p50)} | ${ms(result.latency_us?.p99)} | ${ms(result.ttfb_us?.p50)} | ${ms(result.ttfb_us?.p99)} | ${hedged} |`,
      );
    }
    console.log('| run | ok | failed | p50 ms | p99 ms | TTFB p50 ms | TTFB p99 ms | hedged |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    await bench.close();
    for (const upstream of upstreams) upstream.kill();
  }
}

async function accountOf(bench: { market: { url: string }; key: string }): Promise<string> {
  const response = await fetch(`${bench.market.url}/v1/credits`, { headers: { authorization: `Bearer ${bench.key}` } });
  return ((await response.json()) as { account_id: string }).account_id;
}
