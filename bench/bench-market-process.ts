// A bench market in a process of its own, so the bench reads its CPU by pid and can hold several targets at once
// (the floor relay, a market on PostgreSQL, one on PGlite) and interleave them round by round.
//   node --import tsx bench/bench-market-process.ts --upstream URL [--database-url URL] [--join]
// --join starts one more gateway on a database another bench market has provisioned (scale-out), with no setup.
// Prints one JSON line {url, key, pid} once it serves; closes cleanly on SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import { startBenchMarket } from './bench-market.ts';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    'database-url': { type: 'string' },
    join: { type: 'boolean', default: false },
  },
});
if (!values.upstream) throw new Error('--upstream is required');
const bench = await startBenchMarket(values['database-url'], [values.upstream], { provision: !values.join });
const stop = () => void bench.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdout.write(`${JSON.stringify({ url: bench.market.url, key: bench.key, pid: process.pid })}\n`);
