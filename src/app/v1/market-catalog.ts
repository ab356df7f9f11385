// The models the market sells, with what serving them needs in memory: the locked-at-admission prices, the
// metering tokenizer, the engine kind's capabilities and the hosts that serve each model.
import type { EngineCapabilities } from '../../domain/engines/engine-capabilities.ts';
import type { ModelRecord, RouteRecord, RoutedHost } from '../market-store.ts';
import type { Tokenizer } from '../ports.ts';

export type ModelRoute = { host: RoutedHost; upstreamModel: string; ask: RouteRecord['ask']; capabilities: EngineCapabilities };
export type CatalogModel = ModelRecord & { tokenizer: Tokenizer; routes: ModelRoute[] };

export type MarketCatalog = {
  get(modelId: string): CatalogModel | undefined;
  list(): CatalogModel[];
  replace(models: CatalogModel[]): void;
};

export function createMarketCatalog(initial: CatalogModel[] = []): MarketCatalog {
  let byId = new Map(initial.map((m) => [m.id, m]));
  return {
    get: (id) => byId.get(id),
    list: () => [...byId.values()],
    replace(models) {
      byId = new Map(models.map((m) => [m.id, m]));
    },
  };
}
