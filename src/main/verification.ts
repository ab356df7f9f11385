// Composition of trust: the sampling secret (kept in the database, shared by every gateway instance), the sampler
// on the request path, and the verifier worker that re-scores sampled answers with the market's own reference
// engine for the built-in SKU, or the reference weights a launched model's manifest names (loaded by the same
// built-in engine) — in this process, or in `agora validator` beside it.
import type { Logger } from '../app/ports.ts';
import type { ModelVersionStore } from '../app/models/model-version-store.ts';
import type { SettingsStore } from '../app/settings-store.ts';
import { createResponseSampler, type ResponseSampler } from '../app/verification/response-sampling.ts';
import type { VerificationCostMeter } from '../app/verification/verification-cost.ts';
import { verifyQueuedSamples, type CheckEvent, type ReferenceEngine } from '../app/verification/verifier.ts';
import type { VerificationStore } from '../app/verification/verification-store.ts';
import { hostProfile } from '../app/verification/host-profiles.ts';
import type { ProfileStore } from '../app/verification/profile-store.ts';
import { CPU_PROFILE } from '../domain/verification/thresholds.ts';
import type { VerificationProfile } from '../domain/verification/verification-profile.ts';
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
export const isBuiltinModel = (modelId: string): boolean =>
  modelId === BUILTIN_MODEL_ID || modelId === BUILTIN_EMBED_MODEL_ID;
import { cryptoIds } from './system-ports.ts';

export type VerificationOptions = {
  /** the least share of a reputable host's answers that is re-scored */
  samplingFloor: number;
  /** how often the in-process verifier looks for queued samples; 0: none here (run `agora validator`) */
  workerIntervalMs: number;
  /** judge every host by this profile, whatever is stored (the sandbox's --floor-profile) */
  profile?: VerificationProfile;
};

const SAMPLING_SECRET = 'verification-sampling-secret';

export async function createSampler(
  store: SettingsStore,
  verification: VerificationStore,
  /** read at every answer: the floor is a governed parameter */
  rules: { samplingFloor: number },
  logger: Logger,
  /** whether a reference engine can re-score the model's answers (the built-in one, or a manifest's) */
  verifiable: (modelId: string) => boolean,
  cost: VerificationCostMeter,
): Promise<ResponseSampler> {
  let secret = await store.getSetting(SAMPLING_SECRET);
  if (!secret) {
    await store.setSetting(SAMPLING_SECRET, newSamplingSecret());
    secret = (await store.getSetting(SAMPLING_SECRET)) as string;
  }
  return createResponseSampler({
    store: verification,
    samplingUnit: hmacSamplingUnit(secret),
    get samplingFloor() {
      return rules.samplingFloor;
    },
    verifiable,
    logger,
    cost,
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
/** A launched model's reference: weights on this machine (already checked against the SKU's digest) and its name. */
export type LaunchedReference = { weights: string; name: string };

/** The reference the live version of a launched model names, read from its store. */
export const launchedReferences =
  (versions: Pick<ModelVersionStore, 'findManagedModel' | 'listVersions'>) =>
  async (modelId: string): Promise<LaunchedReference | undefined> => {
    const managed = await versions.findManagedModel(modelId);
    if (managed?.version === null || managed?.version === undefined) return undefined;
    const live = (await versions.listVersions(modelId)).find((v) => v.version === managed.version);
    const weights = live?.manifest.reference?.weights;
    return live && weights
      ? { weights, name: `${modelId} v${live.version} ${live.manifest.sku.quantization} ${live.manifest.sku.digest}` }
      : undefined;
  };

export function createVerifier(deps: {
  store: VerificationStore;
  modelCacheDir: string;
  logger: Logger;
  convictionSlashBps: bigint;
  /** the reference a launched model's live manifest names; undefined when it has none */
  launchedReference(modelId: string): Promise<LaunchedReference | undefined>;
  /** the SKUs' profiles and the hosts' classes: each host is judged by its own profile */
  profiles: Pick<ProfileStore, 'listProfiles' | 'hostClass'>;
  /** judge every host by this profile, whatever is stored (the sandbox's --floor-profile); default: stored, else `cpu` */
  profile?: VerificationProfile | undefined;
  onCheck?: (event: CheckEvent) => void;
}): Verifier {
  // One engine per weights file, loaded on first use and kept until close.
  const engines = new Map<string, Promise<LlamaEngine>>();
  const references = new Map<string, Promise<ReferenceEngine>>();
  const load = (weights: string, name: string): Promise<ReferenceEngine> => {
    const key = `${weights}\0${name}`;
    const known = references.get(key);
    if (known) return known;
    const engine = engines.get(weights) ?? loadLlamaEngine({ modelPath: weights, sequences: 1 });
    engines.set(weights, engine);
    const reference = engine.then((e) => referenceEngine(e, name));
    references.set(key, reference);
    return reference;
  };
  const reference = async (modelId: string): Promise<ReferenceEngine | undefined> => {
    if (isBuiltinModel(modelId)) {
      const files = await builtinModelFiles(deps.modelCacheDir);
      return load(files.ggufPath, `${BUILTIN_MODEL_ID} ${BUILTIN_QUANTIZATION} ${builtinDigest(files)}`);
    }
    const launched = await deps.launchedReference(modelId);
    return launched && load(launched.weights, launched.name);
  };
  const verifierDeps = {
    store: deps.store,
    reference,
    ids: cryptoIds,
    logger: deps.logger,
    verifySignature: verifyHostSignature,
    profile: deps.profile ?? CPU_PROFILE,
    // A profile given outright (the sandbox's --floor-profile) judges every host; otherwise each host's stored one.
    ...(deps.profile
      ? {}
      : {
          profileFor: async (hostId: string, modelId: string) =>
            (await hostProfile(deps.profiles, hostId, modelId))?.profile,
        }),
    embeddingThreshold: HONEST_EMBEDDING_DISTANCE_THRESHOLD,
    // A getter: the slash is a governed parameter, read at each conviction.
    get convictionSlashBps() {
      return deps.convictionSlashBps;
    },
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
      for (const engine of engines.values()) await (await engine).close();
    },
  };
}
