// `npm run bench:startup`: how long an operator waits. Starts a market on a new data directory through the real CLI
// (`agora start`, first start: the database is created), sends it some paid requests, stops it, then times the
// offline commands on that data (`agora ledger check`, `agora backup`, `agora restore` into a new directory) and a
// second start. Prints seconds per step, wall clock from spawn to exit (to "Agora is running" for a start).
// The built-in model comes from AGORA_MODEL_CACHE (default .cache/models); a missing one is generated first, so
// point it at a filled cache to time the market rather than the model build. On a shared machine the wall clock is
// mostly waiting for a core, so each step also prints the CPU seconds its process used (all its threads; for a
// start, up to "Agora is running", read from /proc on Linux) and the load average before and after.
//   npm run bench:startup -- --requests 250
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '250' }, concurrency: { type: 'string', default: '8' } },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const AGORA = join(import.meta.dirname, '..', 'bin', 'agora.js');

type Started = { url: string; key: string; cpuSeconds: number | undefined; stop(): Promise<void> };
type Step = { wallSeconds: number; cpuSeconds: number | undefined };

/** CPU seconds a running process has used so far (utime + stime in /proc, clock ticks of 1/100 s); Linux only. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Preloaded into an offline command: prints the CPU seconds it used, all threads, as it exits. */
const REPORT_CPU = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\nbench-cpu-seconds '+(u.user+u.system)/1e6+'\\n')})`;

/** `agora start` until it prints that it is running; stop() sends SIGTERM and waits for the exit. */
function startMarket(dataDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [AGORA, 'start', '--data-dir', dataDir, '--port', '0', '--probe-interval-s', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
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
        cpuSeconds: cpuSecondsOf(child.pid),
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

async function agora(args: string[]): Promise<number | undefined> {
  const child = spawn(process.execPath, ['--import', REPORT_CPU, AGORA, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`agora ${args.join(' ')} exited ${code}:\n${output}`);
  const cpu = /bench-cpu-seconds (\S+)/.exec(output)?.[1];
  return cpu === undefined ? undefined : Number(cpu);
}

async function timed<T>(
  what: string,
  step: () => Promise<T>,
  cpuOf: (value: T) => number | undefined,
  results: Array<[string, Step]>,
): Promise<T> {
  const started = performance.now();
  const value = await step();
  results.push([what, { wallSeconds: (performance.now() - started) / 1000, cpuSeconds: cpuOf(value) }]);
  return value;
}
const startCpu = (market: Started) => market.cpuSeconds;
const commandCpu = (cpu: number | undefined) => cpu;

async function sendRequests(market: Started): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next += 1;
      const res = await fetch(`${market.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${market.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'agora-tiny',
          max_tokens: 8,
          messages: [{ role: 'user', content: `request ${next}` }],
        }),
      });
      if (res.status !== 200) throw new Error(`request answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'agora-startup-bench-'));
const results: Array<[string, Step]> = [];
try {
  const dataDir = join(root, 'market');
  const first = await timed('first start (new data directory)', () => startMarket(dataDir), startCpu, results);
  await sendRequests(first);
  await first.stop();
  await timed('agora ledger check', () => agora(['ledger', 'check', '--data-dir', dataDir]), commandCpu, results);
  await timed(
    'agora backup',
    () => agora(['backup', '--data-dir', dataDir, '--out', join(root, 'market.backup')]),
    commandCpu,
    results,
  );
  await timed(
    'agora restore (new data directory)',
    () => agora(['restore', '--data-dir', join(root, 'restored'), '--from', join(root, 'market.backup')]),
    commandCpu,
    results,
  );
  const second = await timed('start (existing data directory)', () => startMarket(dataDir), startCpu, results);
  await second.stop();
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(
  `startup bench: ${REQUESTS} paid requests before the offline commands; ${cpus().length} cores, load average ${loadBefore} before, ${load()} after`,
);
for (const [what, step] of results) {
  console.log(
    `  ${what.padEnd(36)} ${step.wallSeconds.toFixed(2).padStart(6)} s wall, ${step.cpuSeconds === undefined ? '-' : step.cpuSeconds.toFixed(2)} s CPU`,
  );
}
