// Composition of `agora verify calibrate`: the SKU's reference (the built-in engine on the reference weights, one
// sequence, as the verifier runs it), an honest host — the built-in engine as host agents run it (four sequences
// sharing batches), or an OpenAI-compatible engine at a URL — and the serving conditions to measure it under.
import { cpus } from 'node:os';
import {
  calibrateHonestFloor,
  runCondition,
  type CalibrationHost,
  type CalibrationRun,
  type ChatMessage,
  type ConditionRun,
  type ServingCondition,
} from '../app/verification/calibrate-honest-floor.ts';
import { calibrationHost } from '../adapters/engines/builtin/engine-under-test.ts';
import { loadLlamaEngine, type LlamaEngine } from '../adapters/engines/builtin/llama-engine.ts';
import { remoteCalibrationHost } from '../adapters/engines/remote-calibration-host.ts';
import { VERIFY_TOP_K, MIN_CHECK_POSITIONS } from '../domain/verification/response-check.ts';
import { BUILTIN_MODEL_ID, BUILTIN_QUANTIZATION, builtinDigest, builtinModelFiles } from './builtin-model.ts';
import { makeTinyModel } from './tiny-models.ts';

/** Openers of differing lengths; each is also asked after 1–3 earlier turns, so contexts differ in length. */
const OPENERS = [
  'Tell me about the market.',
  'How does a host earn?',
  'What does the ledger keep?',
  'Hello! Who are you?',
  'What happens when a host fails, and who pays the buyer back when it is caught?',
  'What does the verifier do?',
  'Tell me about the quick brown fox.',
  'What is a token?',
  'A host runs an open model on its own machine and sells the answers; explain how the market knows it is honest.',
];
const EARLIER_TURNS: ChatMessage[] = [
  { role: 'user', content: 'Hello!' },
  { role: 'assistant', content: 'Hello! The market keeps a ledger of every token.' },
  { role: 'user', content: 'And the hosts?' },
  { role: 'assistant', content: 'Hosts run the model and earn per epoch.' },
];

export const CALIBRATION_PROMPTS: ChatMessage[][] = OPENERS.flatMap((content, i) => [
  [{ role: 'user', content }],
  [...EARLIER_TURNS.slice(0, 2 * (1 + (i % 2))), { role: 'user', content }],
]);

/**
 * For the built-in engine: one greedy request alone, then two and four sharing the engine's batches, greedy and
 * sampled as the traffic mix is (the distance is taken on the distribution at each position, whichever token
 * was drawn, but sampled text leads into other contexts).
 */
export const BUILTIN_CONDITIONS: ServingCondition[] = [
  { name: 'batch-1-greedy', concurrency: 1, temperatures: [0] },
  { name: 'concurrent-2-greedy', concurrency: 2, temperatures: [0] },
  { name: 'concurrent-4-mixed', concurrency: 4, temperatures: [0, 0.7, 1, 0] },
];
/** For an engine at a URL: the same, and a deeper mix (its own scheduler decides how batches form). */
export const REMOTE_CONDITIONS: ServingCondition[] = [
  ...BUILTIN_CONDITIONS,
  { name: 'concurrent-16-mixed', concurrency: 16, temperatures: [0, 0.7, 1, 0] },
];
/** The substitute the pooled test is tuned to catch fastest: the closest one, 8-bit weights. */
const SUBSTITUTE_CONDITION: ServingCondition = {
  name: 'substitute-q8_0',
  concurrency: 4,
  temperatures: [0, 0.7, 1, 0],
};

/** A calibration this machine cannot run (no reference for the SKU, an engine that cannot report what is needed). */
export class CalibrationRefused extends Error {}

/** An engine's failures (unreachable, no logprobs) are the operator's to fix: refusals, not bugs. */
const refusing = (host: CalibrationHost): CalibrationHost => ({
  answer: (messages, request) =>
    host.answer(messages, request).catch((error: unknown) => {
      throw new CalibrationRefused(`the engine could not be calibrated: ${(error as Error).message}`);
    }),
});

export type CalibrationTarget = {
  model: string;
  /** an OpenAI-compatible engine to calibrate; the built-in engine when absent */
  engineUrl?: string | undefined;
  engineKey?: string | undefined;
  /** an engine serving the SKU's 8-bit substitute, to tune the pooled test (the built-in q8_0 for the built-in engine) */
  substituteUrl?: string | undefined;
  checksPerCondition: number;
  modelCacheDir: string;
};

export type CalibrationOutcome = {
  run: CalibrationRun;
  /** the substitute's checks under the same traffic, when one was served */
  substitute: ConditionRun | undefined;
  reference: string;
  engine: string;
  /** the machine the honest host ran on, in words */
  hardware: string;
  /** what one request alone saw of the honest host's speed (the first condition: one request at a time) */
  decodeTokensPerSecond: number;
};

export async function runCalibration(
  target: CalibrationTarget,
  onProgress: (condition: ServingCondition, checks: number) => void,
): Promise<CalibrationOutcome> {
  if (target.model !== BUILTIN_MODEL_ID)
    throw new CalibrationRefused(
      `only the built-in SKU '${BUILTIN_MODEL_ID}' has a reference engine on this machine; '${target.model}' cannot be calibrated here`,
    );
  const files = await builtinModelFiles(target.modelCacheDir);
  const reference = await loadLlamaEngine({ modelPath: files.ggufPath, sequences: 1, contextSize: 2048 });
  const loaded: LlamaEngine[] = [];
  const builtinHost = async (modelPath: string) => {
    const engine = await loadLlamaEngine({ modelPath, sequences: 4, contextSize: 2048 });
    loaded.push(engine);
    return calibrationHost(engine);
  };
  const remoteHost = (baseUrl: string) =>
    refusing(
      remoteCalibrationHost({
        baseUrl,
        model: target.model,
        bearer: target.engineKey,
        promptIdsOf: (messages) => reference.tokenize(reference.renderChat(messages), { special: true }),
      }),
    );
  try {
    const options = {
      prompts: CALIBRATION_PROMPTS,
      checksPerCondition: target.checksPerCondition,
      maxTokens: MIN_CHECK_POSITIONS,
      topK: VERIFY_TOP_K,
      nowMs: () => performance.now(),
      onProgress,
    };
    const host = target.engineUrl ? remoteHost(target.engineUrl) : await builtinHost(files.ggufPath);
    const run = await calibrateHonestFloor(
      host,
      reference,
      target.engineUrl ? REMOTE_CONDITIONS : BUILTIN_CONDITIONS,
      options,
    );
    const substituteHost = target.substituteUrl
      ? remoteHost(target.substituteUrl)
      : target.engineUrl
        ? undefined
        : await builtinHost((await makeTinyModel('q8_0', undefined, target.modelCacheDir)).ggufPath);
    const substitute = substituteHost && (await runCondition(substituteHost, reference, SUBSTITUTE_CONDITION, options));
    return {
      run,
      substitute,
      reference: `${BUILTIN_MODEL_ID} ${BUILTIN_QUANTIZATION} ${builtinDigest(files)}`,
      engine: target.engineUrl ?? 'builtin (node-llama-cpp, CPU, 1 thread, 4 sequences)',
      hardware: `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`,
      decodeTokensPerSecond: run.conditions[0]?.decodeTokensPerSecond ?? 0,
    };
  } finally {
    for (const engine of loaded) await engine.close();
    await reference.close();
  }
}
