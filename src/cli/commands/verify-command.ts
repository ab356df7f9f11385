// `agora verify calibrate`: measures a SKU's honest floor on an engine under real serving conditions and writes
// the verification profile the verifier then uses (docs/verification.md, "Calibration"). Long work: progress on
// stderr, the profile on stdout or in --out.
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { calibrationFile } from '../../main/calibration-file.ts';
import { CalibrationRefused, runCalibration } from '../../main/calibration.ts';
import { modelCacheDir } from '../../main/tiny-models.ts';
import { HARDWARE_CLASS_PATTERN } from '../../contracts/hosts/host-requests.ts';
import { cliAction } from './cli-action.ts';
import { summarizeHonestChecks } from '../../domain/verification/honest-distribution.ts';
import { MIN_CHECK_POSITIONS } from '../../domain/verification/response-check.ts';
import { adminAction, callAdmin, table, withAdminTarget, type AdminTarget } from './market-admin-client.ts';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('a whole number from 1 to 100000');
  return n;
};
const hardwareClass = (value: string): string => {
  if (!HARDWARE_CLASS_PATTERN.test(value))
    throw new InvalidArgumentError('lowercase letters, digits and dashes, e.g. cpu, gpu, gpu-h100');
  return value;
};

type CalibrateFlags = {
  model: string;
  engine?: string;
  engineKey?: string;
  substituteEngine?: string;
  hardwareClass: string;
  checks: number;
  out?: string;
};

export function verifyCommand(): Command {
  const verify = new Command('verify').description(
    "verification profiles: calibrate a SKU's honest floor, install and list profiles",
  );
  verify
    .command('calibrate')
    .description(
      'run honest serving conditions (one request alone, concurrent mixes, contexts of differing lengths) against the reference and write the verification profile measured from them',
    )
    .requiredOption('--model <id>', 'the SKU to calibrate')
    .option('--engine <url>', 'an OpenAI-compatible engine to calibrate (default: the built-in engine)')
    .option('--engine-key <key>', "the engine's bearer token, if it asks for one")
    .option(
      '--substitute-engine <url>',
      "an engine serving the SKU's 8-bit substitute, to tune the pooled test (the built-in engine uses its own q8_0)",
    )
    .option('--hardware-class <class>', 'the hardware class the profile is for', hardwareClass, 'cpu')
    .option('--checks <n>', 'checks (of 48 positions) per serving condition', positiveInt, 100)
    .option('--out <file>', 'write the profile here instead of stdout')
    .action(
      cliAction(
        async (flags: CalibrateFlags) => {
          const started = performance.now();
          const outcome = await runCalibration(
            {
              model: flags.model,
              engineUrl: flags.engine,
              engineKey: flags.engineKey,
              checksPerCondition: flags.checks,
              modelCacheDir: modelCacheDir(),
            },
            (condition, checks) =>
              process.stderr.write(
                `\r${condition.name.padEnd(14)} ${'#'.repeat(Math.round((20 * checks) / flags.checks)).padEnd(20, '.')} ${checks}/${flags.checks} checks${checks === flags.checks ? '\n' : ''}`,
              ),
          );
          const file = calibrationFile(outcome, {
            model: flags.model,
            engineKind: flags.engine ? 'openai-compatible' : 'builtin',
            hardwareClass: flags.hardwareClass,
            measuredAtMs: Date.now(),
          });
          const text = `${JSON.stringify(file, null, 2)}\n`;
          if (flags.out) await writeFile(flags.out, text);
          else process.stdout.write(text);
          const o = outcome.run.overall;
          const e = (x: number) => x.toExponential(2);
          console.error(
            [
              `calibrated ${flags.model} on ${outcome.engine} (${flags.hardwareClass}) in ${Math.round((performance.now() - started) / 1000)} s${flags.out ? ` → ${flags.out}` : ''}`,
              `honest: ${o.checks} checks of ${MIN_CHECK_POSITIONS} positions; mean TV@top-5 per check mean ${e(o.meanTv.mean)}, p99 ${e(o.meanTv.p99)}, max ${e(o.meanTv.max)}; mean |Δ logprob| p99 ${e(o.meanAbsLogprobDelta.p99)}; top-1 disagreement ${e(o.top1Disagreement)}`,
              ...(outcome.substitute
                ? [
                    `substitute ${outcome.substitute.name}: mean TV per check mean ${e(summarizeHonestChecks(outcome.substitute.checks).meanTv.mean)}`,
                  ]
                : []),
              `profile: per-check TV threshold ${e(file.perCheck.meanTvThreshold)}, honest top-1 disagreement ${file.perCheck.honestTop1Disagreement}, pooled test ${file.pooled ? 'tuned' : 'none'}; one request at ${outcome.decodeTokensPerSecond.toFixed(0)} tokens/s`,
            ].join('\n'),
          );
        },
        (error) => error instanceof CalibrationRefused,
      ),
    );
  withAdminTarget(
    verify
      .command('install <file>')
      .description(
        "install a calibration's profile in the running market (admin API): it judges the hosts of its SKU, engine kind and hardware class",
      ),
  ).action(
    adminAction(
      async (flags: AdminTarget, file: string) => {
        const body = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
        return callAdmin(flags, (admin) => admin.installVerificationProfile({ body: body as never }));
      },
      (p) =>
        `installed: ${p.model} on ${p.engine_kind} (${p.hardware_class}), measured ${p.measured_at}, per-check TV threshold ${p.per_check_mean_tv_threshold}`,
    ),
  );
  withAdminTarget(verify.command('profiles').description('the verification profiles installed (admin API)')).action(
    adminAction(
      (flags: AdminTarget) => callAdmin(flags, (admin) => admin.listVerificationProfiles()),
      (list) =>
        table(
          list.data.map((p) => ({ ...p, pooled: p.pooled ? 'yes' : 'no', provenance: undefined })),
          [
            'model',
            'engine_kind',
            'hardware_class',
            'measured_at',
            'per_check_mean_tv_threshold',
            'pooled',
            'decode_tokens_per_second',
          ],
        ),
    ),
  );
  return verify;
}
