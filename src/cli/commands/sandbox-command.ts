// `agora sandbox --scenario substitute --cheat <variant> --seed N`: runs the cheat scenario on this machine and
// ends with one JSON line for tools.
import { Command, InvalidArgumentError, Option } from 'commander';
import { CHEATS, runSandbox, type Cheat } from '../../main/sandbox.ts';
import { modelCacheDir } from '../../main/tiny-models.ts';

const positiveInt = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError(`${name} must be an integer from 0 to 4294967295`);
  return n;
};

export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description('run a market with honest hosts and a cheating one, and show how the cheater is caught')
    .addOption(new Option('--scenario <name>', 'the scenario to run').choices(['substitute']).default('substitute'))
    .addOption(new Option('--cheat <variant>', 'what the cheating host serves under the built-in SKU').choices(CHEATS).default('other-seed'))
    .option('--seed <n>', 'seed of the traffic (the same seed gives the same requests)', positiveInt('the seed'), 1)
    .option('--honest-hosts <n>', 'honest hosts beside the cheater', positiveInt('--honest-hosts'), 2)
    .option('--max-requests <n>', 'the most requests to send (the run stops once the cheater is convicted)', positiveInt('--max-requests'), 150)
    .action(async (options: { cheat: Cheat; seed: number; honestHosts: number; maxRequests: number }) => {
      const result = await runSandbox({
        cheat: options.cheat,
        seed: options.seed,
        honestHosts: Math.max(1, options.honestHosts),
        maxRequests: options.maxRequests,
        concurrency: 4,
        modelCacheDir: modelCacheDir(),
        say: (line) => console.error(line),
      });
      console.log(JSON.stringify(result));
    });
}
