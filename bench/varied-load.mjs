// The bench's load driver: the harness's load.mjs (../shared/bench, given as the first argument), with one change —
// every request carries a different body. Real traffic shares a system prompt and varies the user's message, so a
// cache in the market helps here only as much as it would there; the harness alone repeats one body, which an exact
// cache would answer for free. Each body is built as it is sent (a few µs of the driver's CPU, not the target's).
//   node bench/varied-load.mjs BENCH_DIR --offset N <load.mjs options>
// --offset starts the sequence elsewhere, so consecutive runs against one market never repeat a message.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SYSTEM_PROMPT =
  'You are a concise assistant for an open marketplace of AI inference. Answer in one short paragraph, ' +
  'name the figures you rely on, and say so plainly when you do not know.';
const WORDS = (
  'price host ledger token epoch model buyer seller stream verifier grant treasury quorum witness receipt lease ' +
  'refund payout bond dispute latency budget routing capacity queue engine weight sample check market key limit ' +
  'credit account session batch commit proof digest signature audit policy vote proposal delegate tally window ' +
  'cache tokenizer template prompt answer usage charge hold release rate floor ceiling band step demand supply'
).split(' ');

/** A message distinct for every n below WORDS.length⁴ (about 21 million), with its number in it too. */
function userMessage(n) {
  const w = [];
  for (let k = 0, rest = n; k < 4; k++, rest = Math.floor(rest / WORDS.length)) w.push(WORDS[rest % WORDS.length]);
  return `Request ${n}: how does the ${w[0]} relate to the ${w[1]} when the ${w[2]} changes, in terms of the ${w[3]}?`;
}

const [benchDir, offsetFlag, offsetValue, ...loadArgs] = process.argv.slice(2);
if (!benchDir || offsetFlag !== '--offset' || offsetValue === undefined) {
  console.error('usage: node varied-load.mjs BENCH_DIR --offset N <load.mjs options>');
  process.exit(2);
}
const { parseLoadArgs, runLoad } = await import(pathToFileURL(join(benchDir, 'load.mjs')).href);
const cfg = parseLoadArgs(loadArgs);
let next = Number(offsetValue);
const streamFields = cfg.stream ? { stream: true, stream_options: { include_usage: true } } : {};
Object.defineProperty(cfg, 'body', {
  get: () =>
    Buffer.from(
      JSON.stringify({
        model: 'bench-model',
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: userMessage(next++) },
        ],
        max_tokens: 16,
        ...streamFields,
      }),
    ),
});
process.stdout.write(JSON.stringify(await runLoad(cfg)) + '\n');
