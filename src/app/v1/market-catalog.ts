// The models the market sells, with what serving them needs in memory: the locked-at-admission prices, the
// ceiling above which a host is priced out, the metering tokenizer, the engine kind's capabilities and the hosts that serve each model.
import type { EngineCapabilities } from '../../domain/engines/engine-capabilities.ts';
import type { TokenPrices } from '../../domain/pricing/demand-price.ts';
import type { ListedModel, RouteRecord, RoutedHost } from './catalog-store.ts';
import type { Tokenizer } from '../ports.ts';

export type ModelRoute = {
  host: RoutedHost;
  upstreamModel: string;
  ask: RouteRecord['ask'];
  capabilities: EngineCapabilities;
};
/** `ceiling`: the highest price per token the operator's bounds allow; a host asking more is priced out. */
export type CatalogModel = ListedModel & { ceiling: TokenPrices; tokenizer: Tokenizer; routes: ModelRoute[] };

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
