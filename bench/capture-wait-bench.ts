// `npx tsx bench/capture-wait-bench.ts [requests] [concurrency]`: what the end of an answer waits for its charge to
// be durable, on embedded PGlite, served by ../shared/bench/upstream.mjs (16 tokens, no delay). Client side: the time from a stream's last content chunk to
// its [DONE] (the usage chunk and [DONE] leave only once the capture is durable); server side: the market's
// agora_billing_capture_wait_seconds histogram (settlement to durable), its mean and interpolated p50/p99.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { histogramBuckets, histogramQuantile } from './bench-figures.ts';
import { BENCH_MODEL, startBenchMarket } from './bench-market.ts';

/** ../shared/bench beside the checkout, as for `npm run bench`; AGORA_BENCH_DIR where it lies elsewhere */
const BENCH_DIR = process.env.AGORA_BENCH_DIR ?? resolve(import.meta.dirname, '..', '..', 'shared', 'bench');

const requests = Number(process.argv[2] ?? 500);
const concurrency = Number(process.argv[3] ?? 4);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

/** A quantile over the histogram's whole life (the market started for this bench). */
const lifetimeQuantile = (metrics: string, name: string, q: number) =>
  histogramQuantile(new Map(), histogramBuckets(metrics, name), q) ?? NaN;

async function streamOnce(url: string, key: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: BENCH_MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 16,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  const reader = res.body!.getReader();
  let text = '';
  let lastContentAt = performance.now();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`no [DONE]: ${text}`);
    const part = new TextDecoder().decode(value);
    text += part;
    if (text.includes('data: [DONE]')) return performance.now() - lastContentAt;
    if (part.includes('"delta"')) lastContentAt = performance.now();
  }
}

// The upstream runs in its own process (the bench's fixed-response server), so the market's event loop is its own.
const upstream = spawn(process.execPath, [join(BENCH_DIR, 'upstream.mjs'), '--port', '0', '--tokens', '16'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const listening = await new Promise<{ port: number }>((resolve) =>
  upstream.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()) as { port: number })),
);
const bench = await startBenchMarket(undefined, [`http://127.0.0.1:${listening.port}`]);
const { market } = bench;
try {
  const gaps: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) gaps.push(await streamOnce(market.url, bench.key));
    }),
  );
  gaps.sort((a, b) => a - b);
  const metrics = await (await fetch(`${market.url}/metrics`)).text();
  const sum = Number(/^agora_billing_capture_wait_seconds_sum (\S+)$/m.exec(metrics)?.[1]);
  const count = Number(/^agora_billing_capture_wait_seconds_count (\S+)$/m.exec(metrics)?.[1]);
  const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
  console.log(`${requests} streamed requests, ${concurrency} at a time, PGlite`);
  console.log(
    `client, last content chunk → [DONE]: p50 ${gaps.length ? quantile(gaps, 0.5).toFixed(2) : '-'} ms, p99 ${quantile(gaps, 0.99).toFixed(2)} ms, max ${gaps.at(-1)?.toFixed(2)} ms`,
  );
  console.log(
    `server, settlement → capture durable (${count} captures): mean ${ms(sum / count)}, p50 ≈ ${ms(lifetimeQuantile(metrics, 'agora_billing_capture_wait_seconds', 0.5))}, p99 ≈ ${ms(lifetimeQuantile(metrics, 'agora_billing_capture_wait_seconds', 0.99))}`,
  );
  const batchSum = Number(/^agora_ledger_batch_duration_seconds_sum (\S+)$/m.exec(metrics)?.[1]);
  const batches = Number(/^agora_ledger_batch_duration_seconds_count (\S+)$/m.exec(metrics)?.[1]);
  console.log(
    `billing commits: ${batches}, mean ${ms(batchSum / batches)} each, p50 ≈ ${ms(lifetimeQuantile(metrics, 'agora_ledger_batch_duration_seconds', 0.5))}`,
  );
} finally {
  await bench.close();
  upstream.kill();
}
