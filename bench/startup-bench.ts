// `npm run bench:startup`: how long an operator waits. Starts a market on a new data directory through the real CLI
// (`agora start`, first start: the database is created), sends it some paid requests, stops it, then times the
// offline commands on that data (`agora ledger check`, `agora backup`, `agora restore` into a new directory) and a
// second start. Prints seconds per step, wall clock from spawn to exit (to "Agora is running" for a start).
// The built-in model comes from AGORA_MODEL_CACHE (default .cache/models); a missing one is generated first, so
// point it at a filled cache to time the market rather than the model build. On a shared machine the load average
// (printed before and after) says how much of the wall clock was waiting for a core.
//   npm run bench:startup -- --requests 250
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '250' }, concurrency: { type: 'string', default: '8' } } });
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const AGORA = join(import.meta.dirname, '..', 'bin', 'agora.js');

type Started = { url: string; key: string; stop(): Promise<void> };

/** `agora start` until it prints that it is running; stop() sends SIGTERM and waits for the exit. */
function startMarket(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [AGORA, 'start', '--data-dir', dataDir, '--port', '0', '--probe-interval-s', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`agora start did not come up in 120 s:\n${output}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`agora start exited ${code}:\n${output}`)));
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Base URL: (\S+)\/v1/.exec(output)?.[1];
      const key = /API key: (\S+)/.exec(output)?.[1];
      if (!output.includes('Agora is running') || !url || !key) return;
      clearTimeout(timeout);
      resolve({
        url,
        key,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
  });
}

async function agora(args: string[]): Promise<void> {
  const child = spawn(process.execPath, [AGORA, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`agora ${args.join(' ')} exited ${code}:\n${output}`);
}

async function timed<T>(what: string, step: () => Promise<T>, results: Array<[string, number]>): Promise<T> {
  const started = performance.now();
  const value = await step();
  results.push([what, (performance.now() - started) / 1000]);
  return value;
}

async function sendRequests(market: Started): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next += 1;
      const res = await fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${market.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'agora-tiny', max_tokens: 8, messages: [{ role: 'user', content: `request ${next}` }] }),
      });
      if (res.status !== 200) throw new Error(`request answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'agora-startup-bench-'));
const results: Array<[string, number]> = [];
try {
  const dataDir = join(root, 'market');
  const first = await timed('first start (new data directory)', () => startMarket(dataDir), results);
  await sendRequests(first);
  await first.stop();
  await timed('agora ledger check', () => agora(['ledger', 'check', '--data-dir', dataDir]), results);
  await timed('agora backup', () => agora(['backup', '--data-dir', dataDir, '--out', join(root, 'market.backup')]), results);
  await timed('agora restore (new data directory)', () => agora(['restore', '--data-dir', join(root, 'restored'), '--from', join(root, 'market.backup')]), results);
  const second = await timed('start (existing data directory)', () => startMarket(dataDir), results);
  await second.stop();
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(`startup bench: ${REQUESTS} paid requests before the offline commands; ${cpus().length} cores, load average ${loadBefore} before, ${load()} after`);
for (const [what, seconds] of results) console.log(`  ${what.padEnd(36)} ${seconds.toFixed(2)} s`);
