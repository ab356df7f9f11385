// Prices on every surface: the public current prices (with the band, the next repricing and the hosts' asks beside
// them) and their history, and the operator's bounds of a model (its base and floor).
import type { FastifyInstance } from 'fastify';
import type { ModelPricing, PricePoint, PricingStore } from '../../../app/pricing/pricing-store.ts';
import { priceBoundsSchema, priceHistoryQuerySchema } from '../../../contracts/economics/economics-requests.ts';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { formatNanos } from '../../../domain/money/nanos.ts';
import {
  ceilingPrices,
  quotedPrice,
  type DemandPricingRules,
  type TokenPrices,
} from '../../../domain/pricing/demand-price.ts';
import { isPricedOut, type Ask } from '../../../domain/pricing/host-asks.ts';
import { parseRequest } from '../openai/parse-request.ts';
import { isoTime } from './views.ts';

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
  price: prices({ prompt: quotedPrice(p.precise.prompt), completion: quotedPrice(p.precise.completion) }),
  base: prices(p.base),
  floor: prices(p.floor),
  ceiling: prices(ceilingPrices(p.base, deps.rules.ceilingMultiple)),
  utilization: p.utilization,
  updated_at: isoTime(p.updatedAtMs),
  next_update_at: isoTime(p.nextUpdateAtMs),
  asks: deps.hostAsks(p.modelId).map((h) => askView(h, ceilingPrices(p.base, deps.rules.ceilingMultiple))),
});

const pointView = (p: PricePoint) => ({ at: isoTime(p.atMs), price: prices(p), utilization: p.utilization });

export function registerPricingRoutes(app: FastifyInstance, deps: PricingRouteDeps): void {
  const open = { config: { auth: 'public' as const } };
  const operator = { config: { auth: 'operator' as const } };

  app.get('/v1/pricing', open, async () => ({
    object: 'list',
    band: deps.rules.band,
    max_step_bps: deps.rules.maxStepBps,
    interval_s: deps.rules.intervalMs / 1000,
    data: (await deps.store.listPricing()).map((p) => pricingView(p, deps)),
  }));
  app.get('/v1/pricing/history', open, async (request) => {
    const query = parseRequest(priceHistoryQuerySchema, request.query);
    if (!(await deps.store.listPricing()).some((p) => p.modelId === query.model)) {
      throw new ApiError(
        404,
        'not_found_error',
        `The model '${query.model}' does not exist.`,
        'model_not_found',
        'model',
      );
    }
    const points = await deps.store.priceHistory(query.model, query.limit);
    return { object: 'list', model: query.model, data: points.reverse().map(pointView) };
  });
  app.put<{ Params: { id: string } }>('/admin/models/:id/pricing', operator, async (request) => {
    const bounds = parseRequest(priceBoundsSchema, request.body);
    if (!(await deps.store.setBounds(request.params.id, bounds, deps.rules.ceilingMultiple))) {
      throw new ApiError(
        404,
        'not_found_error',
        `No model '${request.params.id}' in the catalog.`,
        'model_not_found',
        'id',
      );
    }
    await deps.reloadCatalog();
    const updated = (await deps.store.listPricing()).find((p) => p.modelId === request.params.id) as ModelPricing;
    return pricingView(updated, deps);
  });
}
