// Launching models from a manifest, and managing their versions. A model's first version goes live at once (it
// replaces nothing; hosts then join through admission, where the readiness probes run); a later version replaces
// the live one only when its probes pass on at least one host serving the model now. Rollback restores the version
// the live one replaced; disabling a model unlists it and keeps its versions.
import { marketError } from '../../contracts/errors/market-error.ts';
import type { ModelLaunch, ModelManifest } from '../../contracts/models/model-manifest.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import {
  classFactorBps,
  DEFAULT_USAGE_CLASS_FACTORS,
  MAX_CACHED_PROMPT_BPS,
  MAX_REASONING_BPS,
  type UsageClassFactors,
} from '../../domain/pricing/usage-class-prices.ts';
import type { Clock, EngineClient, Ids, Tokenizer } from '../ports.ts';
import type { ModelRecord } from '../v1/catalog-store.ts';
import type { MarketCatalog, ModelRoute } from '../v1/market-catalog.ts';
import type { ModelVersionStatus, ModelVersionStore, ProbeRun, TokenizerFiles } from './model-version-store.ts';
import { runReadinessProbes } from './readiness-probes.ts';

export type ModelLaunchDeps = {
  store: ModelVersionStore;
  catalog: MarketCatalog;
  /** the routes routing would use now (live, not in maintenance, circuit not open) */
  onlineRoutes(routes: readonly ModelRoute[]): ModelRoute[];
  engines: EngineClient;
  ids: Ids;
  clock: Clock;
  /** puts a tokenizer's files where the catalog loads them from (content-addressed), and loads them */
  tokenizers: { place(files: TokenizerFiles): Promise<string>; load(dir: string): Promise<Tokenizer> };
  /** `sha256:<hex>` of a file on this machine; undefined when it cannot be read */
  fileDigest(path: string): Promise<string | undefined>;
  reloadCatalog(): Promise<void>;
};

export type HostProbeResult = { hostId: string; passed: boolean; distances: number[]; reason: string | null };
export type Launched = {
  modelId: string;
  version: number;
  status: ModelVersionStatus;
  probes: HostProbeResult[];
};

/**
 * The usage-class prices of a manifest as the factors the market prices classes by (basis points of the demand
 * price, rounded down): the class prices move with demand from the ones the manifest names.
 */
export function classFactorsOf(prices: ModelManifest['prices']): UsageClassFactors {
  const factor = (price: Nanos | undefined, base: Nanos, fallback: number, max: number, param: string): number => {
    if (price === undefined) return fallback;
    const bps = classFactorBps(price, base);
    if (bps > max)
      throw marketError('invalid_value', `prices.${param} may be at most ${max / 100}% of its base price.`, {
        param: `manifest.prices.${param}`,
      });
    return bps;
  };
  return {
    cachedPromptBps: factor(
      prices.cached_prompt,
      prices.prompt,
      DEFAULT_USAGE_CLASS_FACTORS.cachedPromptBps,
      MAX_CACHED_PROMPT_BPS,
      'cached_prompt',
    ),
    reasoningBps: factor(
      prices.reasoning,
      prices.completion,
      DEFAULT_USAGE_CLASS_FACTORS.reasoningBps,
      MAX_REASONING_BPS,
      'reasoning',
    ),
  };
}

/** The catalog row a manifest version makes. */
export const modelRecordOf = (manifest: ModelManifest, tokenizerDir: string): ModelRecord => ({
  classFactors: classFactorsOf(manifest.prices),
  id: manifest.id,
  name: manifest.name,
  contextLength: manifest.context_length,
  promptPrice: manifest.prices.prompt,
  completionPrice: manifest.prices.completion,
  defaultMaxTokens: manifest.max_tokens.default,
  maxTokensCap: manifest.max_tokens.cap,
  tokenizerDir,
  digest: manifest.sku.digest,
  quantization: manifest.sku.quantization,
  // `embeddings` makes an embedding model (the manifest's schema keeps it apart from chat's capabilities)
  capabilities: manifest.embedding ? ['embeddings'] : ['chat'],
  embedding: manifest.embedding ?? null,
});

async function checkReference(deps: ModelLaunchDeps, manifest: ModelManifest): Promise<void> {
  if (!manifest.reference) return;
  const param = 'manifest.reference.weights';
  const digest = await deps.fileDigest(manifest.reference.weights);
  if (digest === undefined)
    throw marketError(
      'invalid_value',
      `The market cannot read the reference weights '${manifest.reference.weights}'.`,
      {
        param,
      },
    );
  if (digest !== manifest.sku.digest)
    throw marketError(
      'reference_mismatch',
      `The reference weights hash to ${digest}, not the SKU's ${manifest.sku.digest}: the reference must run the SKU exactly.`,
      { param },
    );
}

async function placeTokenizer(
  deps: ModelLaunchDeps,
  files: TokenizerFiles,
): Promise<{ dir: string; tokenizer: Tokenizer }> {
  const dir = await deps.tokenizers.place(files);
  try {
    const tokenizer = await deps.tokenizers.load(dir);
    tokenizer.renderChat([{ role: 'user', content: 'hello' }]);
    return { dir, tokenizer };
  } catch (error) {
    throw marketError(
      'invalid_value',
      `The tokenizer or its chat template does not load: ${(error as Error).message}`,
      {
        param: 'tokenizer',
      },
    );
  }
}

async function promote(
  deps: ModelLaunchDeps,
  manifest: ModelManifest,
  dir: string,
  version: number,
  retired: 'superseded' | 'rolled_back',
): Promise<void> {
  await deps.store.promoteVersion(modelRecordOf(manifest, dir), version, retired, deps.clock.nowMs());
  await deps.reloadCatalog();
}

export async function launchModel(deps: ModelLaunchDeps, launch: ModelLaunch): Promise<Launched> {
  const { manifest } = launch;
  const managed = await deps.store.findManagedModel(manifest.id);
  if (managed && managed.version === null)
    throw marketError(
      'model_builtin',
      `'${manifest.id}' is the market's built-in model; a manifest cannot replace it.`,
      {
        param: 'manifest.id',
      },
    );
  if (manifest.max_tokens.cap > manifest.context_length)
    throw marketError('invalid_value', 'max_tokens.cap is larger than the context length.', {
      param: 'manifest.max_tokens.cap',
    });
  classFactorsOf(manifest.prices);
  await checkReference(deps, manifest);
  const { dir, tokenizer } = await placeTokenizer(deps, launch.tokenizer);
  const version = await deps.store.addVersion(manifest.id, manifest, launch.tokenizer);
  if (!managed) {
    await promote(deps, manifest, dir, version, 'superseded');
    return { modelId: manifest.id, version, status: 'active', probes: [] };
  }
  const routes = deps.onlineRoutes(deps.catalog.get(manifest.id)?.routes ?? []);
  const probes = await Promise.all(
    routes.map(async (route): Promise<HostProbeResult> => {
      const outcome = await runReadinessProbes(
        deps,
        { baseUrl: route.host.baseUrl, bearer: route.host.forwardSecret, upstreamModel: route.upstreamModel },
        { ...manifest.readiness, embedding: manifest.embedding },
        tokenizer,
      );
      return { hostId: route.host.id, ...outcome };
    }),
  );
  await deps.store.recordProbeRuns(
    probes.map((p): ProbeRun => ({ id: deps.ids.newId('probe'), modelId: manifest.id, version, ...p })),
  );
  // No host to probe: the version waits (adding it again probes again); probes failed everywhere: it is not promoted.
  const status = routes.length === 0 ? 'pending' : probes.some((p) => p.passed) ? 'active' : 'rejected';
  if (status === 'active') await promote(deps, manifest, dir, version, 'superseded');
  else if (status === 'rejected') await deps.store.setVersionStatus(manifest.id, version, 'rejected');
  return { modelId: manifest.id, version, status, probes };
}

async function managedOrThrow(deps: Pick<ModelLaunchDeps, 'store'>, modelId: string) {
  const managed = await deps.store.findManagedModel(modelId);
  if (!managed) throw marketError('model_not_found', `No model '${modelId}' in the catalog.`, { param: 'id' });
  return managed;
}

/** Restores the version the live one replaced; returns the version now live. */
export async function rollBackModel(deps: ModelLaunchDeps, modelId: string): Promise<number> {
  const managed = await managedOrThrow(deps, modelId);
  const versions = await deps.store.listVersions(modelId);
  const live = managed.version;
  const previous = versions
    .filter((v) => v.status === 'superseded' && live !== null && v.version < live)
    .sort((a, b) => b.version - a.version)[0];
  if (!previous)
    throw marketError('no_earlier_version', `'${modelId}' has no earlier version to roll back to.`, { param: 'id' });
  const files = await deps.store.tokenizerFiles(modelId, previous.version);
  if (!files) throw new Error(`MODEL_VERSION_LOST: ${modelId} v${previous.version} has no tokenizer files`);
  await promote(deps, previous.manifest, await deps.tokenizers.place(files), previous.version, 'rolled_back');
  return previous.version;
}

/** Unlists a model (disabled) or lists it again; its versions and hosts stay. */
export async function setModelDisabled(
  deps: Pick<ModelLaunchDeps, 'store' | 'clock' | 'reloadCatalog'>,
  modelId: string,
  disabled: boolean,
): Promise<void> {
  await managedOrThrow(deps, modelId);
  await deps.store.setDisabled(modelId, disabled ? deps.clock.nowMs() : null);
  await deps.reloadCatalog();
}
