// `agora sim`: the economic attack simulator. `--list` shows the scenarios; `run <name> --seed N` runs one with the
// market's default rules, shows progress, writes JSON and HTML, and ends with one JSON line. Exit 1: the attack paid,
// or (a liveness scenario) the market refused requests for price or did not come back into its band.
import { Command, InvalidArgumentError } from 'commander';
import { formatNanos } from '../../domain/money/nanos.ts';
import {
  BUNDLED_SCENARIOS,
  loadScenarios,
  resultLine,
  runOk,
  runScenario,
  ScenarioError,
} from '../../main/simulation.ts';
import { cliAction } from './cli-action.ts';

const parseSeed = (value: string): number => {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new InvalidArgumentError('the seed must be an integer from 0 to 4294967295');
  return seed;
};

/** A bar redrawn in place on a terminal; every quarter once, on a pipe or a log file. */
function progressReporter(): (done: number, total: number) => void {
  let lastQuarter = -1;
  return (done, total) => {
    const share = total === 0 ? 1 : done / total;
    if (process.stderr.isTTY) {
      const filled = Math.round(share * 30);
      process.stderr.write(
        `\r  [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${Math.round(share * 100)}% (tick ${done}/${total})${done === total ? '\n' : ''}`,
      );
      return;
    }
    const quarter = Math.floor(share * 4);
    if (quarter > lastQuarter) {
      lastQuarter = quarter;
      process.stderr.write(`  ${quarter * 25}% (tick ${done}/${total})\n`);
    }
  };
}

export function simCommand(): Command {
  const sim = new Command('sim')
    .description(
      "economic simulator (attacks and liveness): the market's real pricing, routing, reputation, conviction and penalty code over simulated time",
    )
    .option('--scenarios <dir>', 'scenario files (JSON)', BUNDLED_SCENARIOS)
    .option('--list', 'list the scenarios')
    .action(
      cliAction(
        async (flags: { scenarios: string; list?: boolean }) => {
          if (!flags.list) return void sim.help();
          for (const s of await loadScenarios(flags.scenarios)) console.log(`${s.name.padEnd(14)} ${s.description}`);
        },
        (e) => e instanceof ScenarioError,
      ),
    );
  sim
    .command('run <name>')
    .description('run one scenario; writes <out>/<name>-seed<N>.json and .html')
    .option('--seed <n>', 'seed of the simulated randomness', parseSeed, 1)
    .option('--out <dir>', 'where to write the result', 'sim-results')
    .action(
      cliAction(
        async (flags: { seed: number; out: string; scenarios: string }, name: string) => {
          const scenariosDir = flags.scenarios;
          console.error(`Simulating '${name}' with seed ${flags.seed}…`);
          const run = await runScenario(
            { scenariosDir, name, seed: flags.seed, outDir: flags.out },
            progressReporter(),
          );
          const { result, liveness } = run;
          if (liveness) {
            console.log(
              `Refused for price: ${liveness.refusedForPrice}; for capacity (every host full): ${liveness.refusedForCapacity}.`,
            );
            console.log(
              `Utilization after the burst: ${(100 * liveness.utilizationAfterBurst).toFixed(1)} % (band ${100 * liveness.band.low}–${100 * liveness.band.high} %).`,
            );
            console.log(
              liveness.ok
                ? 'PASS: the market kept serving.'
                : 'FAIL: the market did not keep serving, or did not come back into its band.',
            );
          } else {
            console.log(
              `Attacker's profit: ${formatNanos(result.attackerProfit)}; the same hosts, honest: ${formatNanos(result.honestProfit)}.`,
            );
            console.log(
              `First detected: ${result.detectedAt === null ? 'never' : `tick ${result.detectedAt}`}; ${result.detections.length} detection(s), ${formatNanos(result.totals.refunded)} refunded, ${formatNanos(result.totals.slashed)} slashed.`,
            );
            console.log(
              result.attackProfitable
                ? 'FAIL: the attack is profitable under the default rules.'
                : 'PASS: the attack does not pay under the default rules.',
            );
          }
          console.log(`Written: ${run.files.join(', ')}`);
          console.log(resultLine(run));
          if (!runOk(run)) process.exitCode = 1;
        },
        (e) => e instanceof ScenarioError,
      ),
    );
  return sim;
}
