// `agora sandbox --scenario substitute --cheat <variant> --seed N` (a cheater caught), `--scenario liveness` (the
// market keeps serving through idle time and a killed host), `--scenario headers-trace` (rate-limit headers and
// routing traces as a client sees them), `--scenario format-failures` (a host whose engine breaks its tool calls
// found and routed around), `--scenario responses` (the Responses API served, streamed, continued and billed),
// `--scenario usage-classes` (a cached prefix billed at the cache price), `--scenario sampling-params` (logit_bias
// and penalties applied by the host and verified by replaying them), `--scenario tools` (every tool_choice, streamed
// and not, arguments valid, a tool result answered, billed), `--scenario embeddings` (every input and output form,
// verified by cosine distance, a noisy host convicted), `--scenario calibration` (the measured verification profile
// published, a host claiming a GPU class on a CPU refused, the cost of verification measured), `--scenario governance`
// (a proposal changes the take rate of the running market) or `--scenario n-choices` (n choices per request, the
// prompt billed once): runs it on this machine and ends with one JSON line for tools; exit 0 exactly when it is
// ok. A flag of another scenario is refused.
import { Command, InvalidArgumentError, Option } from 'commander';
import { CHEATS, runSandbox, type Cheat } from '../../main/sandbox.ts';
import { runModelLaunchSandbox } from '../../main/sandbox-model-launch.ts';
import { runLivenessSandbox } from '../../main/sandbox-liveness.ts';
import { runHeadersTraceSandbox } from '../../main/sandbox-headers-trace.ts';
import { runFormatFailuresSandbox } from '../../main/sandbox-format-failures.ts';
import { runResponsesSandbox } from '../../main/sandbox-responses.ts';
import { runSamplingParamsSandbox } from '../../main/sandbox-sampling-params.ts';
import { runUsageClassesSandbox } from '../../main/sandbox-usage-classes.ts';
import { runToolsSandbox } from '../../main/sandbox-tools.ts';
import { runEmbeddingsSandbox } from '../../main/sandbox-embeddings.ts';
import { runGovernanceSandbox } from '../../main/sandbox-governance.ts';
import { runCalibrationSandbox } from '../../main/sandbox-calibration.ts';
import { runNChoicesSandbox } from '../../main/sandbox-n-choices.ts';
import { modelCacheDir } from '../../main/tiny-models.ts';
import { loadVerificationProfile } from '../../main/verification-profiles.ts';
import type { VerificationProfile } from '../../domain/verification/verification-profile.ts';

const positiveInt =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw new InvalidArgumentError(`${name} must be an integer from 0 to 4294967295`);
    return n;
  };

/** The flags each scenario takes (beyond --scenario and --seed); any other one given on the command line is refused. */
const SCENARIO_FLAGS = {
  substitute: ['cheat', 'honestHosts', 'maxRequests', 'floorProfile'],
  liveness: ['idleRepricings', 'loadRequests'],
  'headers-trace': [],
  'format-failures': ['requests', 'brokenShare'],
  responses: [],
  'sampling-params': ['requests'],
  'usage-classes': [],
  'model-launch': [],
  tools: [],
  embeddings: [],
  governance: [],
  calibration: [],
  'n-choices': [],
} as const;
type Scenario = keyof typeof SCENARIO_FLAGS;

type SandboxFlags = {
  scenario: Scenario;
  cheat: Cheat;
  seed: number;
  honestHosts: number;
  maxRequests: number;
  floorProfile: VerificationProfile | undefined;
  idleRepricings: number;
  loadRequests: number;
  requests: number | undefined;
  brokenShare: number;
};

type Common = { seed: number; modelCacheDir: string; say: (line: string) => void };

/** How each scenario runs from the parsed flags: one entry per scenario, beside its flags above. */
const SCENARIO_RUNS: Record<Scenario, (flags: SandboxFlags, common: Common) => Promise<{ ok: boolean }>> = {
  substitute: (flags, common) =>
    runSandbox({
      ...common,
      cheat: flags.cheat,
      honestHosts: Math.max(1, flags.honestHosts),
      maxRequests: flags.maxRequests,
      concurrency: 4,
      floorProfile: flags.floorProfile,
    }),
  liveness: (flags, common) =>
    runLivenessSandbox({
      ...common,
      idleRepricings: flags.idleRepricings,
      loadRequests: Math.max(3, flags.loadRequests),
    }),
  'headers-trace': (_flags, common) => runHeadersTraceSandbox(common),
  'format-failures': (flags, common) =>
    runFormatFailuresSandbox({
      ...common,
      requests: Math.max(10, flags.requests ?? 160),
      brokenShare: flags.brokenShare,
    }),
  responses: (_flags, common) => runResponsesSandbox(common),
  'sampling-params': (flags, common) =>
    runSamplingParamsSandbox({ ...common, requests: Math.max(4, flags.requests ?? 16) }),
  'usage-classes': (_flags, common) => runUsageClassesSandbox(common),
  'model-launch': (_flags, common) => runModelLaunchSandbox(common),
  tools: (_flags, common) => runToolsSandbox(common),
  embeddings: (_flags, common) => runEmbeddingsSandbox(common),
  governance: (_flags, common) => runGovernanceSandbox(common),
  calibration: (_flags, common) => runCalibrationSandbox(common),
  'n-choices': (_flags, common) => runNChoicesSandbox(common),
};

export function sandboxCommand(): Command {
  const command: Command = new Command('sandbox')
    .description(
      'run a real market on this machine and show a capability end to end: a cheater caught (substitute), the market serving through idle time and a killed host (liveness), rate-limit headers and routing traces (headers-trace), a host with broken tool calls found and routed around (format-failures), the Responses API served, streamed, continued and billed (responses), a conversation billed its cached prefix at the cache price (usage-classes), logit_bias and penalties applied and verified (sampling-params), a model launched from a manifest, a bad version not promoted, rollback and unverified models refused (model-launch), tool calls under every tool_choice, validated and billed (tools), embeddings in every form, verified by cosine distance, with a noisy host convicted (embeddings), a parameter change proposed, voted, queued and executed at an epoch boundary with each named attack refused (governance), the measured verification profile of the built-in engine published, a host declaring a GPU class on a CPU refused, and the cost of verification measured (calibration), or n choices per request with the prompt billed once and a sub-key held to n × max_tokens (n-choices)',
    )
    .addOption(
      new Option('--scenario <name>', 'the scenario to run').choices(Object.keys(SCENARIO_FLAGS)).default('substitute'),
    )
    .option('--seed <n>', 'seed of the traffic (the same seed gives the same requests)', positiveInt('the seed'), 1)
    .addOption(
      new Option('--cheat <variant>', 'substitute: what the cheating host serves under the built-in SKU')
        .choices(CHEATS)
        .default('other-seed'),
    )
    .option('--honest-hosts <n>', 'substitute: honest hosts beside the cheater', positiveInt('--honest-hosts'), 2)
    .option(
      '--max-requests <n>',
      'substitute: the most requests to send (the run stops once the cheater is convicted)',
      positiveInt('--max-requests'),
      150,
    )
    .option(
      '--floor-profile <name|path>',
      'substitute: judge by this verification profile (`gpu`, or a profile file) and give every host its honest floor',
      (value: string) => {
        try {
          return loadVerificationProfile(value);
        } catch (err) {
          throw new InvalidArgumentError(String((err as Error).message));
        }
      },
    )
    .option(
      '--idle-repricings <n>',
      'liveness: repricings of an idle market before the next request (one every 250 ms)',
      positiveInt('--idle-repricings'),
      40,
    )
    .option(
      '--load-requests <n>',
      'liveness: requests of the load during which a host is killed',
      positiveInt('--load-requests'),
      60,
    )
    .option(
      '--requests <n>',
      'format-failures: requests that must call a tool (default 160); sampling-params: biased requests (default 16)',
      positiveInt('--requests'),
    )
    .option(
      '--broken-share <share>',
      "format-failures: the share of the broken engine's tool calls it breaks (0 to 1)",
      (value: string) => {
        const n = Number(value);
        if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('--broken-share is a number from 0 to 1');
        return n;
      },
      0.6,
    )
    .action(async (options: SandboxFlags) => {
      const foreign = Object.keys(options).filter(
        (flag) =>
          command.getOptionValueSource(flag) === 'cli' &&
          !['scenario', 'seed'].includes(flag) &&
          !(SCENARIO_FLAGS[options.scenario] as readonly string[]).includes(flag),
      );
      if (foreign.length > 0)
        command.error(
          `error: --${foreign.map((f) => f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join(', --')} does not apply to --scenario ${options.scenario}`,
        );
      const say = (line: string) => console.error(line);
      const result = await SCENARIO_RUNS[options.scenario](options, {
        seed: options.seed,
        modelCacheDir: modelCacheDir(),
        say,
      });
      console.log(JSON.stringify(result));
      if (!result.ok) process.exitCode = 1;
    });
  return command;
}
