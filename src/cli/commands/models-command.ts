// `agora models make` and `agora models distances`: generate a tiny model (or a substitute variant) on demand,
// and reproduce the verification distance table.
import { Command, InvalidArgumentError, Option } from 'commander';
import { VARIANT_NAMES, type VariantName } from '../../domain/tiny-model/model-variant.ts';
import { makeTinyModel, runDistanceTable } from '../../main/tiny-models.ts';

const parseSeed = (value: string): number => {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new InvalidArgumentError('the seed must be an integer from 0 to 4294967295');
  return seed;
};

export function modelsCommand(): Command {
  const models = new Command('models').description('generate and inspect the built-in tiny models');
  models
    .command('make')
    .description('write a generated model (GGUF + tokenizer files) into the model cache')
    .addOption(new Option('--variant <name>', 'which model to write').choices(VARIANT_NAMES).default('reference'))
    .option('--seed <n>', 'seed of the transformer blocks', parseSeed)
    .action(async (options: { variant: VariantName; seed?: number }) => {
      const started = performance.now();
      const files = await makeTinyModel(options.variant, options.seed);
      console.log(`Model: ${files.ggufPath}`);
      console.log(`SHA-256: ${files.sha256}`);
      console.log(`Tokenizer: ${files.tokenizerJsonPath}`);
      console.log(`Ready in ${Math.round(performance.now() - started)} ms`);
    });
  models
    .command('distances')
    .description('score every variant against the reference (teacher-forced top-5 total variation)')
    .action(async () => {
      const table = await runDistanceTable((row) =>
        console.error(
          `measured ${row.variant}: mean TV ${row.report.meanTv.toExponential(2)} over ${row.report.positions} positions`,
        ),
      );
      console.log(table);
    });
  return models;
}
