// `npm run bench`: the paid path (auth, route, meter, hold, forward, capture) against the floor, in one run. Four
// targets, each in a process of its own so its CPU is read by pid: the bench upstream called directly, the bare Node
// relay (../shared/bench/relay.mjs: the floor for any Node gateway), a market on PostgreSQL and a market on embedded
// PGlite. Every round runs every scenario against every target in turn (interleaved, so a busy minute hits all of
// them), with varied prompts (bench/varied-load.mjs); figures are medians over rounds, each gateway's expressed as a
// multiple of the relay's in the same round. Options:
//   --rounds N (5)  --duration S (8)  --warmup S (2)  --scenarios closed:32,open:200,open:500,open:1000
//   --stream        streaming: added time to first byte and CPU per relayed chunk
//   --targets relay,postgres,pglite (also pglite-main: PGlite on the request thread)   --scale-out   two gateways on one PostgreSQL against one
//   --slow-host     the hosts scenario (four hosts, one slow, with and without hedging)
//   --check         compare the floor multiples with bench/baseline.json; exit 1 when one is > 25 % worse
//   --save-baseline write this run's floor multiples to bench/baseline.json   --json FILE   every run, as JSON
// It ends with what verification costs (bench/verification-cost-bench.ts: the sampler's own decisions).
//   --profile DIR   the markets profile their main thread while they serve: DIR/<target>.cpuprofile (read them
//                   with bench/profile-summary.ts)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort } from '../test/support/free-port.ts';
import { startPostgresServer } from '../test/support/postgres-server.ts';
import {
  baselineOf,
  goals,
  DEFAULT_GATEWAYS,
  GATEWAYS,
  histogramBuckets,
  histogramQuantile,
  median,
  regressions,
  runFigures,
  summarize,
  type Baseline,
  type DriverResult,
  type Run,
  type Summary,
  type Target,
} from './bench-figures.ts';
import { benchSlowHost } from './hosts-bench.ts';
import { benchVerificationCost, formatCostRun } from './verification-cost-bench.ts';
import { cpuUs, processTree } from './process-cpu.ts';

/** ../shared/bench beside the checkout; AGORA_BENCH_DIR where it lies elsewhere */
const BENCH_DIR = process.env.AGORA_BENCH_DIR ?? resolve(import.meta.dirname, '..', '..', 'shared', 'bench');
const BASELINE_FILE = join(import.meta.dirname, 'baseline.json');
const CAPTURE_WAIT = 'agora_billing_capture_wait_seconds';
const REGRESSION_TOLERANCE = 0.25;

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    scenarios: { type: 'string', default: 'closed:32,open:200,open:500,open:1000' },
    stream: { type: 'boolean', default: false },
    targets: { type: 'string', default: DEFAULT_GATEWAYS.join(',') },
    'scale-out': { type: 'boolean', default: false },
    'slow-host': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    'save-baseline': { type: 'boolean', default: false },
    json: { type: 'string' },
    profile: { type: 'string' },
  },
});
const rounds = Number(options.rounds);
const scenarios = options.scenarios.split(',').map((name) => {
  const [mode, figure] = name.split(':');
  if ((mode !== 'closed' && mode !== 'open') || !Number(figure)) throw new Error(`bad scenario "${name}"`);
  return { name, args: mode === 'closed' ? ['--mode', 'closed', '-c', figure!] : ['--mode', 'open', '-r', figure!] };
});
const gateways = options.targets.split(',') as Target[];
for (const target of gateways)
  if (!GATEWAYS.includes(target)) throw new Error(`unknown target "${target}" (${GATEWAYS.join(', ')})`);
if (options['scale-out'] && !gateways.includes('postgres')) throw new Error('--scale-out needs the postgres target');

// --- processes ---------------------------------------------------------------------------------------------------

const children: ChildProcess[] = [];
const stopChildren = () => children.splice(0).forEach((child) => child.kill('SIGTERM'));
process.once('SIGINT', () => {
  stopChildren();
  process.exit(130);
});

/** Starts a program and waits for the first JSON line it prints on stdout (its address). */
async function startPrinting<T>(args: string[], what: string): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const info = await new Promise<T>((done, fail) => {
    let text = '';
    child.stdout!.on('data', (data: Buffer) => {
      text += data.toString();
      if (text.includes('\n')) done(JSON.parse(text.slice(0, text.indexOf('\n'))) as T);
    });
    child.once('exit', (code) => fail(new Error(`${what} exited (${code}) before it served`)));
  });
  child.stdout!.resume();
  return { child, info };
}

type Endpoint = { target: Target; url: string; headers: string[]; pids: number[]; metrics: boolean };

/** A market target in its own process; `join` adds a second gateway on the database of the first (scale-out). */
async function startMarketProcess(target: Target, upstream: string, databaseUrl: string | undefined, join_ = false) {
  const args = ['--import', 'tsx', join(import.meta.dirname, 'bench-market-process.ts'), '--upstream', upstream];
  if (options.profile) args.push('--profile', join(options.profile, `${target}${join_ ? '-2' : ''}.cpuprofile`));
  if (databaseUrl) args.push('--database-url', databaseUrl);
  if (target === 'pglite-main') args.push('--database-thread', 'main');
  if (join_) args.push('--join');
  return (await startPrinting<{ url: string; key: string; pid: number }>(args, 'a bench market')).info;
}

async function startRelay(upstreamPort: number): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(BENCH_DIR, 'relay.mjs'), String(port), `127.0.0.1:${upstreamPort}`], {
    stdio: 'inherit',
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const ok = await fetch(`${url}/health`).then(
      () => true,
      () => false,
    );
    if (ok) return { url, pid: child.pid! };
    if (tries > 100) throw new Error('the relay did not start');
    await sleep(50);
  }
}

// --- one run -----------------------------------------------------------------------------------------------------

let offset = 0;

/** Runs the varied-prompt driver against one or more endpoints at once; CPU is read between its phase marks. */
async function drive(
  endpoints: readonly Endpoint[],
  loadArgs: readonly string[],
  databasePid: number | undefined,
): Promise<{ results: DriverResult[]; cpuUs: number; databaseCpuUs: number | null }> {
  const pids = endpoints.flatMap((e) => e.pids);
  let before: { cpu: number; database: number; tree: number[] } | undefined;
  let after: { cpu: number; database: number } | undefined;
  let marks = 0;
  const mark = (phase: 'measure' | 'done') => {
    marks += 1;
    // With several drivers (scale-out) CPU is read when the first starts measuring and the last is done.
    if (phase === 'measure' && marks === 1) {
      const tree = databasePid ? processTree(databasePid) : [];
      before = { cpu: cpuUs(pids), database: cpuUs(tree), tree };
    }
    if (phase === 'done' && marks === 2 * endpoints.length)
      after = { cpu: cpuUs(pids), database: cpuUs(before?.tree ?? []) };
  };
  const results = await Promise.all(
    endpoints.map(
      (endpoint) =>
        new Promise<DriverResult>((done, fail) => {
          const args = [
            join(import.meta.dirname, 'varied-load.mjs'),
            BENCH_DIR,
            '--offset',
            String((offset += 1_000_000)),
            '--url',
            `${endpoint.url}/v1/chat/completions`,
            '--duration',
            options.duration,
            '--warmup',
            options.warmup,
            '--phase-marks',
            ...endpoint.headers.flatMap((h) => ['-H', h]),
            ...(options.stream ? ['--stream'] : []),
            ...loadArgs,
          ];
          const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => {
            const text = d.toString();
            err += text;
            for (const [, phase] of text.matchAll(/\{"phase":"(measure|done)"\}/g)) mark(phase as 'measure' | 'done');
          });
          child.once('exit', (code) =>
            code === 0
              ? done(JSON.parse(out) as DriverResult)
              : fail(new Error(`the load driver exited ${code}: ${err}`)),
          );
        }),
    ),
  );
  if (!before || !after) throw new Error('the load driver printed no phase marks');
  return {
    results,
    cpuUs: after.cpu - before.cpu,
    databaseCpuUs: databasePid ? after.database - before.database : null,
  };
}

async function captureBuckets(endpoint: Endpoint): Promise<Map<number, number> | null> {
  if (!endpoint.metrics) return null;
  return histogramBuckets(await (await fetch(`${endpoint.url}/metrics`)).text(), CAPTURE_WAIT);
}

async function measure(
  endpoint: Endpoint,
  scenario: (typeof scenarios)[number],
  round: number,
  databasePid: number | undefined,
): Promise<Run> {
  const bucketsBefore = await captureBuckets(endpoint);
  const { results, cpuUs: used, databaseCpuUs } = await drive([endpoint], scenario.args, databasePid);
  const bucketsAfter = await captureBuckets(endpoint);
  const quantileMs = (q: number) => {
    const seconds = bucketsBefore && bucketsAfter ? histogramQuantile(bucketsBefore, bucketsAfter, q) : null;
    return seconds === null ? NaN : seconds * 1000;
  };
  const captureWaitMs = bucketsBefore ? { p50: quantileMs(0.5), p99: quantileMs(0.99) } : null;
  return runFigures(
    { round, scenario: scenario.name, target: endpoint.target, captureWaitMs },
    results[0]!,
    used,
    databaseCpuUs,
  );
}

// --- output ------------------------------------------------------------------------------------------------------

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? '-'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const signed = (n: number | null) => (n === null || !Number.isFinite(n) ? '-' : `${n > 0 ? '+' : ''}${fmt(n)}`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function printSummaries(summaries: readonly Summary[]): void {
  const header = [
    'scenario',
    'target',
    'rps',
    'CPU µs/req',
    'best',
    '× floor',
    '+p50 µs',
    'over floor',
    '+p99 µs',
    'over floor',
  ];
  if (options.stream) header.push('+TTFB µs', 'over floor', 'CPU µs/chunk', '× floor');
  header.push('capture wait p50/p99 ms', 'DB server CPU µs/req', 'failed');
  const rows = summaries.map((s) => {
    const row = [
      s.scenario,
      s.target,
      fmt(s.rps),
      fmt(s.cpuUsPerRequest),
      fmt(s.bestCpuUsPerRequest),
      s.target === 'direct' ? '' : fmt(s.cpuFloorMultiple, 2),
      signed(s.addedP50Us),
      signed(s.addedP50OverFloorUs),
      signed(s.addedP99Us),
      signed(s.addedP99OverFloorUs),
    ];
    if (options.stream)
      row.push(
        signed(s.addedTtfbP50Us),
        signed(s.addedTtfbOverFloorUs),
        fmt(s.cpuUsPerChunk, 1),
        fmt(s.chunkFloorMultiple, 2),
      );
    row.push(
      s.captureWaitMs ? `${fmt(s.captureWaitMs.p50, 2)} / ${fmt(s.captureWaitMs.p99, 2)}` : '',
      fmt(s.databaseCpuUsPerRequest),
      fmt(s.failures),
    );
    return row;
  });
  console.log(table(header, rows));
  console.log(
    '\nCPU: the target process (all its threads); for direct, the upstream. DB server CPU: the PostgreSQL server for the market on it (PGlite runs inside the market). Added latency: minus the direct run of the same round; over floor: minus the relay’s.',
  );
}

// --- main --------------------------------------------------------------------------------------------------------

if (!existsSync(join(BENCH_DIR, 'load.mjs'))) {
  console.error(
    `npm run bench needs the bench harness (load.mjs, upstream.mjs, relay.mjs) in ${BENCH_DIR}, outside this repository (AGORA_BENCH_DIR names another place); it is not there, so nothing was measured.`,
  );
  process.exit(1);
}
if (!existsSync(join(BENCH_DIR, 'node_modules')))
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH_DIR, stdio: 'inherit' });

const postgres = gateways.includes('postgres') ? await startPostgresServer() : undefined;
try {
  const upstream = await startPrinting<{ port: number }>(
    [join(BENCH_DIR, 'upstream.mjs'), '--port', '0', '--tokens', '16'],
    'the bench upstream',
  );
  const upstreamUrl = `http://127.0.0.1:${upstream.info.port}`;
  const endpoints: Endpoint[] = [
    { target: 'direct', url: upstreamUrl, headers: [], pids: [upstream.child.pid!], metrics: false },
  ];
  for (const target of gateways) {
    if (target === 'relay') {
      const relay = await startRelay(upstream.info.port);
      endpoints.push({ target, url: relay.url, headers: [], pids: [relay.pid], metrics: false });
    } else {
      const market = await startMarketProcess(target, upstreamUrl, target === 'postgres' ? postgres!.url : undefined);
      endpoints.push({
        target,
        url: market.url,
        headers: [`authorization: Bearer ${market.key}`],
        pids: [market.pid],
        metrics: true,
      });
    }
  }
  const perRun = Number(options.duration) + Number(options.warmup) + 1;
  console.error(
    `${rounds} rounds × ${scenarios.length} scenarios × ${endpoints.length} targets, ${options.stream ? 'streaming' : 'non-streaming'}, varied prompts: about ${Math.ceil((rounds * scenarios.length * endpoints.length * perRun) / 60)} min`,
  );
  const runs: Run[] = [];
  for (let round = 1; round <= rounds; round++)
    for (const scenario of scenarios)
      for (const endpoint of endpoints) {
        const databasePid = endpoint.target === 'postgres' ? postgres?.pid : undefined;
        const run = await measure(endpoint, scenario, round, databasePid);
        runs.push(run);
        console.error(
          `[round ${round}] ${scenario.name.padEnd(10)} ${endpoint.target.padEnd(8)} ${fmt(run.rps)} rps, CPU ${fmt(run.cpuUsPerRequest)} µs/req, p50 ${fmt(run.p50Us)} µs, p99 ${fmt(run.p99Us)} µs${run.failures ? `, ${run.failures} failed` : ''}`,
        );
      }

  const summaries = summarize(runs);
  console.log(
    `\n## Paid path, ${options.stream ? 'streaming 16 tokens' : 'non-streaming'}: ${rounds} interleaved rounds of ${options.duration} s per run, medians (best: the lowest CPU of any round)\n`,
  );
  printSummaries(summaries);

  const reached = goals(summaries, options.stream);
  if (reached.length) {
    console.log('\n## Goals (issue "Performance")\n');
    console.log(
      table(
        ['target', 'scenario', 'figure', 'measured', 'goal', ''],
        reached.map((g) => [
          g.target,
          g.scenario,
          g.what,
          fmt(g.value, 2),
          `≤ ${fmt(g.limit, 2)}`,
          g.value !== null && g.value <= g.limit ? 'met' : 'NOT met',
        ]),
      ),
    );
  }

  console.log(formatCostRun(await benchVerificationCost()));

  if (options['scale-out'] && postgres) {
    const first = endpoints.find((e) => e.target === 'postgres')!;
    const second = await startMarketProcess('postgres', upstreamUrl, postgres.url, true);
    const pair: Endpoint[] = [first, { ...first, url: second.url, pids: [second.pid] }];
    const ratios: number[] = [];
    const cpus = { one: [] as number[], two: [] as number[] };
    for (let round = 1; round <= rounds; round++) {
      const one = await drive([first], ['--mode', 'closed', '-c', '32'], postgres.pid);
      const two = await drive(pair, ['--mode', 'closed', '-c', '16'], postgres.pid);
      const rpsOne = one.results[0]!.rps;
      const rpsTwo = two.results.reduce((sum, r) => sum + r.rps, 0);
      const sent = (results: DriverResult[]) => results.reduce((sum, r) => sum + r.requests.sent, 0);
      ratios.push(rpsTwo / rpsOne);
      cpus.one.push(one.cpuUs / sent(one.results));
      cpus.two.push(two.cpuUs / sent(two.results));
      console.error(`[scale-out ${round}] one gateway ${fmt(rpsOne)} rps, two ${fmt(rpsTwo)} rps`);
    }
    console.log(
      `\n## Scale-out on one PostgreSQL (closed loop, 32 connections in all): two gateway processes serve ${fmt(median(ratios), 2)}× one's rps (median of ${rounds}), at ${fmt(median(cpus.two))} vs ${fmt(median(cpus.one))} gateway CPU µs per request`,
    );
  }

  const mode = options.stream ? 'stream' : 'plain';
  const current = baselineOf(summaries);
  const saved = existsSync(BASELINE_FILE)
    ? (JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Record<string, Baseline>)
    : {};
  if (options['save-baseline']) {
    writeFileSync(BASELINE_FILE, `${JSON.stringify({ ...saved, [mode]: current }, null, 2)}\n`);
    console.log(`\nbaseline for ${mode} written to ${BASELINE_FILE}`);
  }
  if (options.json) writeFileSync(options.json, JSON.stringify({ options, runs, summaries }, null, 2));
  if (options.check) {
    const worse = regressions(saved[mode] ?? {}, current, REGRESSION_TOLERANCE);
    console.log(
      worse.length
        ? `\n## Worse than the baseline by more than ${REGRESSION_TOLERANCE * 100} %\n\n${worse.map((w) => `- ${w.figure}: ${fmt(w.baseline, 2)} → ${fmt(w.current, 2)}`).join('\n')}`
        : `\nno floor multiple is worse than the baseline by more than ${REGRESSION_TOLERANCE * 100} %`,
    );
    if (worse.length) process.exitCode = 1;
  }
  if (options['slow-host'] && postgres) await benchSlowHost(BENCH_DIR, postgres.url);
} finally {
  stopChildren();
  await sleep(options.profile ? 3_000 : 500);
  postgres?.stop();
}
