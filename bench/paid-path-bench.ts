// `npm run bench`: the paid path (auth + route + meter + hold + capture) against the direct upstream, in one run,
// with ../shared/bench/compare.mjs — first on PostgreSQL (the production configuration), then on embedded PGlite.
// The bench upstream is registered as an external OpenAI-compatible engine for a bench model metered with the
// built-in model's tokenizer. On PostgreSQL it also runs the hosts scenario (four hosts, one slow, with and
// without hedging).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startPostgresServer } from '../test/support/postgres-server.ts';
import { startBenchMarket } from './bench-market.ts';
import { benchSlowHost } from './hosts-bench.ts';

const BENCH_DIR = resolve(import.meta.dirname, '..', '..', 'shared', 'bench');
const UPSTREAM_PORT = 9100;
const extraArgs = process.argv.slice(2);

async function benchOne(label: string, databaseUrl: string | undefined): Promise<void> {
  const bench = await startBenchMarket(databaseUrl, [`http://127.0.0.1:${UPSTREAM_PORT}`]);
  try {
    console.log(
      `\n## ${label}: paid path (the bench model has no reference engine, so the sampler keeps no answer; the verifier polls its empty queue)\n`,
    );
    // Asynchronously: the market runs in this process and must keep serving while the driver runs.
    const driver = spawn(
      process.execPath,
      [
        join(BENCH_DIR, 'compare.mjs'),
        bench.market.url,
        '--upstream-port',
        String(UPSTREAM_PORT),
        '-H',
        `authorization: Bearer ${bench.key}`,
        '--gateway-pid',
        String(process.pid),
        ...extraArgs,
      ],
      { stdio: 'inherit' },
    );
    const status = await new Promise<number | null>((done) => driver.once('exit', done));
    if (status !== 0) throw new Error(`compare.mjs exited ${status}`);
  } finally {
    await bench.close();
  }
}

// The load harness is not part of this repository: it is expected beside the checkout.
if (!existsSync(join(BENCH_DIR, 'compare.mjs'))) {
  console.error(
    `npm run bench needs the bench harness (compare.mjs, upstream.mjs) in ${BENCH_DIR}, outside this repository; it is not there, so nothing was measured.`,
  );
  process.exit(1);
}
if (!existsSync(join(BENCH_DIR, 'node_modules')))
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH_DIR, stdio: 'inherit' });
const postgres = await startPostgresServer();
try {
  await benchOne('PostgreSQL', postgres.url);
  await benchSlowHost(BENCH_DIR, postgres.url);
} finally {
  postgres.stop();
}
await benchOne('PGlite (embedded)', undefined);
