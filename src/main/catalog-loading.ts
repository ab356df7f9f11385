// The market's catalog as the paid path holds it in memory: every model with its ceiling, its metering tokenizer
// (loaded once per tokenizer directory) and the routes of its live hosts with their engine's capabilities.
import { join } from 'node:path';
import type { CatalogStore } from '../app/v1/catalog-store.ts';
import type { Clock, Tokenizer } from '../app/ports.ts';
import type { CatalogModel } from '../app/v1/market-catalog.ts';
import { loadMeteringTokenizer } from '../adapters/tokenizers/hf-tokenizer.ts';
import { ENGINE_CAPABILITIES, isEngineKind } from '../domain/engines/engine-capabilities.ts';
import { HOST_HEARTBEAT_MS, isHostLive } from '../domain/hosts/liveness.ts';
import { ceilingPrices } from '../domain/pricing/demand-price.ts';

/** The catalog holds only live hosts' routes, so every count of a model's hosts (/v1/models, /status) skips silent ones. */
export async function loadCatalog(
  store: Pick<CatalogStore, 'listModels' | 'listRoutes'>,
  tokenizers: Map<string, Promise<Tokenizer>>,
  clock: Clock,
  ceilingMultiple: number,
): Promise<CatalogModel[]> {
  const nowMs = clock.nowMs();
  const [models, routes] = await Promise.all([store.listModels(), store.listRoutes(nowMs)]);
  return Promise.all(
    models.map(async (model) => {
      const tokenizer =
        tokenizers.get(model.tokenizerDir) ??
        loadMeteringTokenizer(
          join(model.tokenizerDir, 'tokenizer.json'),
          join(model.tokenizerDir, 'tokenizer_config.json'),
        );
      tokenizers.set(model.tokenizerDir, tokenizer);
      return {
        ...model,
        ceiling: ceilingPrices(model.basePrice, ceilingMultiple),
        tokenizer: await tokenizer,
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
