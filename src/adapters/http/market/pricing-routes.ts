// Prices on every surface: the public current prices (with the band, the next repricing and the hosts' asks beside
// them) and their history, and the operator's bounds of a model (its base and floor).
import type { ModelPricing, PricePoint, PricingStore } from '../../../app/pricing/pricing-store.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { adminRoutes } from '../../../contracts/routes/admin-routes.ts';
import { v1Routes } from '../../../contracts/routes/v1-routes.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import {
  ceilingPrices,
  quotedPrice,
  type DemandPricingRules,
  type TokenPrices,
} from '../../../domain/pricing/demand-price.ts';
import { isPricedOut, type Ask } from '../../../domain/pricing/host-asks.ts';
import { classPrices } from '../../../domain/pricing/usage-class-prices.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
import { classPricesView, isoTime } from './views.ts';

/** A host's ask for a model, beside the market price: whether it is online, and priced out (above the ceiling). */
export type HostAsk = { hostId: string; name: string; ask: Ask; online: boolean };

export type PricingRouteDeps = {
  store: PricingStore;
  rules: DemandPricingRules;
  reloadCatalog(): Promise<void>;
  /** the asks of a model's hosts (this instance's view of who is online) */
  hostAsks(modelId: string): HostAsk[];
};

const prices = (p: TokenPrices) => ({ prompt: formatNanos(p.prompt), completion: formatNanos(p.completion) });

const askView = (h: HostAsk, ceiling: TokenPrices) => ({
  host: h.hostId,
  name: h.name,
  ask: h.ask === null ? null : prices(h.ask),
  online: h.online,
  priced_out: isPricedOut(h.ask, ceiling),
});

const pricingView = (p: ModelPricing, deps: PricingRouteDeps) => ({
  model: p.modelId,
  price: classPricesView(
    classPrices(
      { prompt: quotedPrice(p.precise.prompt), completion: quotedPrice(p.precise.completion) },
      p.classFactors,
    ),
  ),
  class_factors_bps: {
    input_cache_read: p.classFactors.cachedPromptBps,
    internal_reasoning: p.classFactors.reasoningBps,
  },
  base: prices(p.base),
  floor: prices(p.floor),
  ceiling: prices(ceilingPrices(p.base, deps.rules.ceilingMultiple)),
  utilization: p.utilization,
  updated_at: isoTime(p.updatedAtMs),
  next_update_at: isoTime(p.nextUpdateAtMs),
  asks: deps.hostAsks(p.modelId).map((h) => askView(h, ceilingPrices(p.base, deps.rules.ceilingMultiple))),
});

const pointView = (p: PricePoint) => ({ at: isoTime(p.atMs), price: prices(p), utilization: p.utilization });

export function registerPricingRoutes(table: RouteTable, deps: PricingRouteDeps): void {
  defineRoute(table, v1Routes.getPricing).handle(async () => ({
    object: 'list',
    band: deps.rules.band,
    max_step_bps: deps.rules.maxStepBps,
    interval_s: deps.rules.intervalMs / 1000,
    data: (await deps.store.listPricing()).map((p) => pricingView(p, deps)),
  }));
  defineRoute(table, v1Routes.getPriceHistory).handle(async ({ query }) => {
    if (!(await deps.store.listPricing()).some((p) => p.modelId === query.model)) {
      throw marketError('model_not_found', `The model '${query.model}' does not exist.`, { param: 'model' });
    }
    const points = await deps.store.priceHistory(query.model, query.limit);
    return { object: 'list', model: query.model, data: points.reverse().map(pointView) };
  });
  defineRoute(table, adminRoutes.setPriceBounds).handle(async ({ params, body }) => {
    if (!(await deps.store.setBounds(params.id, body, deps.rules.ceilingMultiple))) {
      throw marketError('model_not_found', `No model '${params.id}' in the catalog.`, { param: 'id' });
    }
    await deps.reloadCatalog();
    const updated = (await deps.store.listPricing()).find((p) => p.modelId === params.id) as ModelPricing;
    return pricingView(updated, deps);
  });
}
