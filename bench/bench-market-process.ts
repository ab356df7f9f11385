// A bench market in a process of its own, so the bench reads its CPU by pid and can hold several targets at once
// (the floor relay, a market on PostgreSQL, one on PGlite) and interleave them round by round.
//   node --import tsx bench/bench-market-process.ts --upstream URL [--database-url URL] [--join]
// --database-thread main keeps embedded PGlite on the request thread (default: a worker thread, decision 019).
// --join starts one more gateway on a database another bench market has provisioned (scale-out), with no setup.
// --profile FILE profiles the main thread from the moment it serves until it closes (start-up left out), as a
// .cpuprofile for bench/profile-summary.ts.
// Prints one JSON line {url, key, pid} once it serves; closes cleanly on SIGTERM or SIGINT.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { startBenchMarket } from './bench-market.ts';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    'database-url': { type: 'string' },
    join: { type: 'boolean', default: false },
    'database-thread': { type: 'string', default: 'worker' },
    profile: { type: 'string' },
  },
});
if (!values.upstream) throw new Error('--upstream is required');
const thread = values['database-thread'];
if (thread !== 'main' && thread !== 'worker') throw new Error('--database-thread is main or worker');
const bench = await startBenchMarket(values['database-url'], [values.upstream], {
  provision: !values.join,
  overrides: { embeddedDatabaseThread: thread },
});
const profiler = values.profile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const stop = async () => {
  if (profiler && values.profile) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(values.profile, JSON.stringify(profile));
  }
  await bench.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.stdout.write(`${JSON.stringify({ url: bench.market.url, key: bench.key, pid: process.pid })}\n`);
