// Composition of trust: the sampling secret (kept in the database, shared by every gateway instance), the sampler
// on the request path, and the verifier worker that re-scores sampled answers with the market's own reference
// engine for the built-in SKU — in this process, or in `agora validator` beside it.
import type { Logger } from '../app/ports.ts';
import type { SettingsStore } from '../app/settings-store.ts';
import { createResponseSampler, type ResponseSampler } from '../app/verification/response-sampling.ts';
import { verifyQueuedSamples, type CheckEvent, type ReferenceEngine } from '../app/verification/verifier.ts';
import type { VerificationStore } from '../app/verification/verification-store.ts';
import { DEFAULT_CONVICTION_RULE } from '../domain/verification/conviction.ts';
import { HONEST_MEAN_TV_THRESHOLD } from '../domain/verification/thresholds.ts';
import { loadLlamaEngine, type LlamaEngine } from '../adapters/engines/builtin/llama-engine.ts';
import { hmacSamplingUnit, newSamplingSecret } from '../adapters/keys/sampling-oracle.ts';
import { verifyHostSignature } from '../adapters/keys/host-identity.ts';
import {
  BUILTIN_EMBED_MODEL_ID,
  BUILTIN_MODEL_ID,
  BUILTIN_QUANTIZATION,
  builtinDigest,
  builtinModelFiles,
} from './builtin-model.ts';
import { HONEST_EMBEDDING_DISTANCE_THRESHOLD } from '../domain/verification/embedding-check.ts';

/** The built-in SKUs (chat and embeddings, on the same weights): the market's reference engine runs them exactly. */
const isBuiltinModel = (modelId: string): boolean => modelId === BUILTIN_MODEL_ID || modelId === BUILTIN_EMBED_MODEL_ID;
import { cryptoIds } from './system-ports.ts';

export type VerificationOptions = {
  /** the least share of a reputable host's answers that is re-scored */
  samplingFloor: number;
  /** how often the in-process verifier looks for queued samples; 0: none here (run `agora validator`) */
  workerIntervalMs: number;
};

const SAMPLING_SECRET = 'verification-sampling-secret';

export async function createSampler(
  store: SettingsStore,
  verification: VerificationStore,
  options: VerificationOptions,
  logger: Logger,
): Promise<ResponseSampler> {
  let secret = await store.getSetting(SAMPLING_SECRET);
  if (!secret) {
    await store.setSetting(SAMPLING_SECRET, newSamplingSecret());
    secret = (await store.getSetting(SAMPLING_SECRET)) as string;
  }
  return createResponseSampler({
    store: verification,
    samplingUnit: hmacSamplingUnit(secret),
    samplingFloor: options.samplingFloor,
    verifiable: isBuiltinModel,
    logger,
  });
}

/** The built-in engine as the reference of its SKU. */
export function referenceEngine(engine: LlamaEngine, name: string): ReferenceEngine {
  return {
    name,
    endOfGenerationId: engine.endOfGenerationId,
    isEndOfGeneration: engine.isEndOfGeneration,
    score: (promptIds, claimedIds, topK, extra) => engine.score(promptIds, claimedIds, topK, extra),
    embed: (inputIds) => engine.embed(inputIds),
  };
}

/** `drain` is the verification job (its owner runs it on a schedule); `close` waits for a pass and frees the engine. */
export type Verifier = { drain(): Promise<void>; close(): Promise<void> };

/** Re-scores queued samples until the queue is empty, on each drain; the reference engine loads on first use. */
export function createVerifier(deps: {
  store: VerificationStore;
  modelCacheDir: string;
  logger: Logger;
  convictionSlashBps: bigint;
  onCheck?: (event: CheckEvent) => void;
}): Verifier {
  let engine: Promise<LlamaEngine> | undefined;
  let reference: Promise<ReferenceEngine> | undefined;
  const builtinReference = async (): Promise<ReferenceEngine> => {
    const files = await builtinModelFiles(deps.modelCacheDir);
    engine = loadLlamaEngine({ modelPath: files.ggufPath, sequences: 1 });
    return referenceEngine(await engine, `${BUILTIN_MODEL_ID} ${BUILTIN_QUANTIZATION} ${builtinDigest(files)}`);
  };
  const verifierDeps = {
    store: deps.store,
    reference: (modelId: string) =>
      isBuiltinModel(modelId) ? (reference ??= builtinReference()) : Promise.resolve(undefined),
    ids: cryptoIds,
    logger: deps.logger,
    verifySignature: verifyHostSignature,
    rule: DEFAULT_CONVICTION_RULE,
    threshold: HONEST_MEAN_TV_THRESHOLD,
    embeddingThreshold: HONEST_EMBEDDING_DISTANCE_THRESHOLD,
    convictionSlashBps: deps.convictionSlashBps,
    ...(deps.onCheck ? { onCheck: deps.onCheck } : {}),
  };
  let pass: Promise<void> | undefined;
  const drain = (): Promise<void> =>
    (pass ??= (async () => {
      try {
        while ((await verifyQueuedSamples(verifierDeps, 8)) > 0);
      } catch (err) {
        deps.logger.error({ err: String(err) }, 'verification pass failed');
      } finally {
        pass = undefined;
      }
    })());
  return {
    drain,
    async close() {
      await pass;
      if (engine) await (await engine).close();
    },
  };
}
