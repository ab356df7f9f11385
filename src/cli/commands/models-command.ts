// `agora models make` and `agora models distances`: generate a tiny model (or a substitute variant) on demand,
// and reproduce the verification distance table. `agora models add|list|disable|enable|rollback`: launch models
// from a manifest and manage their versions, through the running market's admin API.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readManifestFile } from './manifest-file.ts';
import { adminAction, callAdmin, table, withAdminTarget, type AdminTarget } from './market-admin-client.ts';
import { VARIANT_NAMES, type VariantName } from '../../domain/tiny-model/model-variant.ts';
import { makeTinyModel, runDistanceTable } from '../../main/tiny-models.ts';

const parseSeed = (value: string): number => {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new InvalidArgumentError('the seed must be an integer from 0 to 4294967295');
  return seed;
};

export function modelsCommand(): Command {
  const models = new Command('models').description(
    'launch models from a manifest and manage their versions (admin API); generate and inspect the built-in tiny models',
  );
  addLaunchCommands(models);
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

const stateLine = (state: { id: string; version: number | null; disabled: boolean }) =>
  `${state.id}: ${state.version === null ? 'built-in' : `v${state.version} live`}${state.disabled ? ', disabled (not listed)' : ', listed'}`;

function addLaunchCommands(models: Command): void {
  withAdminTarget(
    models
      .command('add <manifest>')
      .description(
        'launch a model (or a new version of one) from a YAML manifest; a new version goes live only when its readiness probes pass on a host (docs/models.md)',
      ),
  ).action(
    adminAction(
      async (flags: AdminTarget, file: string) => {
        const launch = await readManifestFile(file);
        return callAdmin(flags, (admin) => admin.launchModel({ body: launch }));
      },
      (launched) =>
        [
          `${launched.id} v${launched.version}: ${launched.status}${launched.verified ? '' : ' (unverified: no reference engine)'}`,
          launched.message,
          ...(launched.probes.length > 0
            ? [
                '',
                table(
                  launched.probes.map((p) => ({ ...p, distances: p.distances.join(' ') })),
                  ['host_id', 'passed', 'distances', 'reason'],
                ),
              ]
            : []),
        ].join('\n'),
    ),
  );
  withAdminTarget(
    models.command('list').description('every model with its live version, and each version (admin API)'),
  ).action(
    adminAction(
      (flags: AdminTarget) => callAdmin(flags, (admin) => admin.listModels()),
      (list) =>
        table(
          list.data.map((m) => ({
            id: m.id,
            version: m.version ?? 'built-in',
            listed: m.disabled ? 'disabled' : 'listed',
            verified: m.verified ? 'verified' : 'unverified',
            hosts: m.hosts,
            versions: m.versions.map((v) => `v${v.version} ${v.status}`).join(', '),
            name: m.name,
          })),
          ['id', 'version', 'listed', 'verified', 'hosts', 'versions', 'name'],
        ),
    ),
  );
  const stateCommand = (name: 'disable' | 'enable' | 'rollback', description: string) =>
    withAdminTarget(models.command(`${name} <id>`).description(description)).action(
      adminAction(
        (flags: AdminTarget, id: string) =>
          callAdmin(flags, (admin) =>
            name === 'disable'
              ? admin.disableModel({ params: { id } })
              : name === 'enable'
                ? admin.enableModel({ params: { id } })
                : admin.rollBackModel({ params: { id } }),
          ),
        stateLine,
      ),
    );
  stateCommand('disable', 'unlist a model: buyers and new hosts no longer see it; its versions stay (admin API)');
  stateCommand('enable', 'list a disabled model again (admin API)');
  stateCommand('rollback', 'restore the version the live one replaced (admin API)');
}
