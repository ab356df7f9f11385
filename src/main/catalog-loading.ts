// The market's catalog as the paid path holds it in memory: every model with its ceiling, its metering tokenizer
// (loaded once per tokenizer directory) and the routes of its live hosts with their engine's capabilities.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ModelVersionStore } from '../app/models/model-version-store.ts';
import type { CatalogStore, ListedModel } from '../app/v1/catalog-store.ts';
import type { Clock, Tokenizer } from '../app/ports.ts';
import type { CatalogModel } from '../app/v1/market-catalog.ts';
import { loadTokenizerDir, placeTokenizerFiles } from '../adapters/tokenizers/launched-tokenizers.ts';
import { ENGINE_CAPABILITIES, isEngineKind } from '../domain/engines/engine-capabilities.ts';
import { HOST_HEARTBEAT_MS, isHostLive } from '../domain/hosts/liveness.ts';
import { ceilingPrices } from '../domain/pricing/demand-price.ts';

/** The catalog holds only live hosts' routes, so every count of a model's hosts (/v1/models, /status) skips silent ones. */
export async function loadCatalog(
  store: Pick<CatalogStore, 'listModels' | 'listRoutes'>,
  tokenizerOf: (model: ListedModel) => Promise<Tokenizer>,
  clock: Clock,
  ceilingMultiple: number,
): Promise<CatalogModel[]> {
  const nowMs = clock.nowMs();
  const [models, routes] = await Promise.all([store.listModels(), store.listRoutes(nowMs)]);
  return Promise.all(
    models.map(async (model) => {
      return {
        ...model,
        ceiling: ceilingPrices(model.basePrice, ceilingMultiple),
        tokenizer: await tokenizerOf(model),
        routes: routes
          .filter(
            (r) =>
              r.modelId === model.id && isEngineKind(r.host.engineKind) && isHostLive(r.host, nowMs, HOST_HEARTBEAT_MS),
          )
          .map((r) => ({
            host: r.host,
            upstreamModel: r.upstreamModel,
            ask: r.ask,
            capabilities: ENGINE_CAPABILITIES[r.host.engineKind as keyof typeof ENGINE_CAPABILITIES],
          })),
      };
    }),
  );
}

/**
 * Each model's metering tokenizer, loaded once per directory. A launched model's files come from the database when
 * its directory is not on this machine (another gateway instance wrote it, or the data was restored elsewhere).
 */
export function createTokenizerCache(
  versions: Pick<ModelVersionStore, 'tokenizerFiles'>,
): (model: ListedModel) => Promise<Tokenizer> {
  const loaded = new Map<string, Promise<Tokenizer>>();
  const load = async (model: ListedModel): Promise<Tokenizer> => {
    if (model.launch && !existsSync(model.tokenizerDir)) {
      const files = await versions.tokenizerFiles(model.id, model.launch.version);
      if (files) await placeTokenizerFiles(dirname(model.tokenizerDir), files);
    }
    return loadTokenizerDir(model.tokenizerDir);
  };
  return (model) => {
    const tokenizer = loaded.get(model.tokenizerDir) ?? load(model);
    loaded.set(model.tokenizerDir, tokenizer);
    return tokenizer;
  };
}
