// `npm run bench:pglite-thread`: embedded PGlite on the request thread against PGlite on a worker thread of its
// own (docs/decisions/019-pglite-on-a-worker-thread.md), A/B in one run. Two bench markets run side by side, one
// per process (so each one's CPU, worker thread included, is read from /proc by its pid); every round runs each
// scenario against the direct upstream, then both markets in an order that alternates round by round, and the
// figures are medians over rounds of each market's own and of the paired worker − main differences.
// Options: --rounds N (default 6), --duration S (default 5), --scenarios closed:32,open:500,open:1000.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EmbeddedDatabaseThread } from '../src/adapters/sql/open-database.ts';
import { startBenchMarket } from './bench-market.ts';

const BENCH_DIR = resolve(import.meta.dirname, '..', '..', 'shared', 'bench');
const CLOCK_TICK_US = 10_000; // /proc counts CPU in ticks of 10 ms

type Target = { name: 'direct' | EmbeddedDatabaseThread; url: string; key: string; pid: number | undefined };
/** CPU per request: the whole process, and its main thread alone (the one that serves the requests). */
type Figures = { rps: number; p50: number; p99: number; cpu?: number; mainThreadCpu?: number; failed: number };
type Run = { round: number; scenario: string; target: Target['name']; figures: Figures };

/** CPU (user + system) in µs: of a whole process, or of one of its threads (its main thread's id is its pid). */
const cpuUs = (statFile: string): number => {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_US;
};
const cpuNow = (pid: number) => ({ all: cpuUs(`/proc/${pid}/stat`), main: cpuUs(`/proc/${pid}/task/${pid}/stat`) });

/** In a child: one bench market whose embedded database runs on the given thread, until the parent goes. */
async function serve(thread: EmbeddedDatabaseThread, upstream: string): Promise<void> {
  const bench = await startBenchMarket(undefined, [upstream], { embeddedDatabaseThread: thread });
  process.send?.({ url: bench.market.url, key: bench.key });
  process.once('disconnect', () => void bench.close().then(() => process.exit(0)));
}

async function startUpstream(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(BENCH_DIR, 'upstream.mjs'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((done) => child.stdout?.once('data', (data: Buffer) => done(String(data))));
  const { host, port } = JSON.parse(line.split('\n')[0] ?? '') as { host: string; port: number };
  return { url: `http://${host}:${port}`, child };
}

async function startMarketProcess(thread: EmbeddedDatabaseThread, upstream: string) {
  const child = fork(import.meta.filename, ['serve', thread, upstream], { stdio: 'inherit' });
  const { url, key } = await new Promise<{ url: string; key: string }>((done, fail) => {
    child.once('message', (message) => done(message as { url: string; key: string }));
    child.once('exit', (code) => fail(new Error(`the ${thread} market exited (${code}) before it served`)));
  });
  return { child, target: { name: thread, url: `${url}/v1/chat/completions`, key, pid: child.pid } satisfies Target };
}

function runLoad(target: Target, scenario: string, duration: string): Promise<Figures> {
  const [mode, n] = scenario.split(':');
  const args = [join(BENCH_DIR, 'load.mjs'), '--url', target.url, '-H', `authorization: Bearer ${target.key}`];
  args.push('--duration', duration, '--warmup', '2', '--phase-marks');
  args.push(...(mode === 'closed' ? ['--mode', 'closed', '-c', String(n)] : ['--mode', 'open', '-r', String(n)]));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let marks = '';
  let cpuAtStart: ReturnType<typeof cpuNow> | undefined;
  let cpuUsed: ReturnType<typeof cpuNow> | undefined;
  child.stdout.on('data', (data: Buffer) => (out += String(data)));
  child.stderr.on('data', (data: Buffer) => {
    marks += String(data);
    if (target.pid === undefined) return;
    if (cpuAtStart === undefined && marks.includes('{"phase":"measure"}')) cpuAtStart = cpuNow(target.pid);
    if (cpuUsed === undefined && cpuAtStart !== undefined && marks.includes('{"phase":"done"}')) {
      const end = cpuNow(target.pid);
      cpuUsed = { all: end.all - cpuAtStart.all, main: end.main - cpuAtStart.main };
    }
  });
  return new Promise((done, fail) =>
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`load.mjs exited ${code}: ${marks}`));
      const result = JSON.parse(out) as {
        rps: number;
        latency_us: { p50: number; p99: number };
        requests: { sent: number; non2xx: number; errors: number; unfinished: number };
      };
      const { sent, non2xx, errors, unfinished } = result.requests;
      done({
        rps: result.rps,
        p50: result.latency_us.p50,
        p99: result.latency_us.p99,
        ...(cpuUsed && { cpu: cpuUsed.all / Math.max(1, sent), mainThreadCpu: cpuUsed.main / Math.max(1, sent) }),
        failed: non2xx + errors + unfinished,
      });
    }),
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

function report(runs: Run[], scenarios: string[]): void {
  const figure = (round: number, scenario: string, target: Target['name']) =>
    runs.find((r) => r.round === round && r.scenario === scenario && r.target === target)?.figures;
  const rounds = [...new Set(runs.map((r) => r.round))];
  const fmt = (values: number[]) => (values.length ? Math.round(median(values)).toLocaleString('en-US') : '-');
  const row = (cells: Array<string | number>) => console.log(`| ${cells.join(' | ')} |`);
  row(['scenario', 'thread', 'rps', 'CPU µs/req', 'main thread µs/req', '+p50 µs', '+p99 µs', 'failed']);
  row(Array.from({ length: 8 }, () => '---'));
  for (const scenario of scenarios) {
    /** One value per round, of a market's figures and the direct run's of the same round. */
    const perRound = (value: (round: number) => number | undefined) => rounds.flatMap((round) => value(round) ?? []);
    const of = (target: Target['name'], pick: (f: Figures, direct: Figures) => number | undefined) =>
      perRound((round) => {
        const [own, direct] = [figure(round, scenario, target), figure(round, scenario, 'direct')];
        return own && direct ? pick(own, direct) : undefined;
      });
    const columns = (pick: (pick: (f: Figures, direct: Figures) => number | undefined) => string) => [
      pick((f) => f.rps),
      pick((f) => f.cpu),
      pick((f) => f.mainThreadCpu),
      pick((f, d) => f.p50 - d.p50),
      pick((f, d) => f.p99 - d.p99),
    ];
    for (const target of ['main', 'worker'] as const) {
      const failed = of(target, (f) => f.failed).reduce((a, b) => a + b, 0);
      row([scenario, target, ...columns((pick) => fmt(of(target, pick))), failed]);
    }
    const paired = (pick: (f: Figures, direct: Figures) => number | undefined) => {
      const [main, worker] = [of('main', pick), of('worker', pick)];
      return fmt(worker.flatMap((w, i) => (main[i] === undefined ? [] : [w - main[i]])));
    };
    row([scenario, 'worker − main, paired', ...columns(paired), '']);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '6' },
      duration: { type: 'string', default: '5' },
      scenarios: { type: 'string', default: 'closed:32,open:500,open:1000' },
    },
  });
  const scenarios = values.scenarios.split(',');
  const loadAtStart = loadavg()[0]?.toFixed(1);
  const upstream = await startUpstream();
  const markets = [await startMarketProcess('main', upstream.url), await startMarketProcess('worker', upstream.url)];
  const direct: Target = {
    name: 'direct',
    url: `${upstream.url}/v1/chat/completions`,
    key: 'sk-bench',
    pid: undefined,
  };
  const runs: Run[] = [];
  try {
    // Not recorded: the first requests compile the paid path and fill the caches of each market.
    for (const { target } of markets) await runLoad(target, 'closed:32', '3');
    for (let round = 1; round <= Number(values.rounds); round++) {
      const [first, second] = round % 2 ? markets : [...markets].reverse();
      for (const scenario of scenarios) {
        for (const target of [direct, first!.target, second!.target]) {
          const figures = await runLoad(target, scenario, values.duration);
          runs.push({ round, scenario, target: target.name, figures });
          console.error(
            `round ${round} ${scenario} ${target.name}: ${Math.round(figures.rps)} rps, p50 ${figures.p50} µs, ` +
              `CPU ${Math.round(figures.cpu ?? 0)} µs/req (main thread ${Math.round(figures.mainThreadCpu ?? 0)})` +
              `${figures.failed ? `, ${figures.failed} failed` : ''}`,
          );
        }
      }
    }
  } finally {
    for (const { child } of markets) child.disconnect();
    upstream.child.kill();
  }
  console.log(
    `\n${values.rounds} rounds, ${values.duration} s per run; medians over rounds; +p50/+p99: minus the direct run of ` +
      `the same round; load average ${loadAtStart} at the start, ${loadavg()[0]?.toFixed(1)} at the end\n`,
  );
  report(runs, scenarios);
}

if (process.argv[2] === 'serve') await serve(process.argv[3] as EmbeddedDatabaseThread, process.argv[4] ?? '');
else await main();
