// Runs the demand controller: every gateway instance reports the time its requests held a host's slot, and once
// per interval one instance reprices each model from the utilization of its hosts' declared slots, never below the
// lowest ask of its hosts online (price liveness: docs/decisions/010-price-liveness.md).
import {
  ceilingPrices,
  nextPrices,
  utilizationOf,
  type DemandPricingRules,
} from '../../domain/pricing/demand-price.ts';
import { askFloor, type Ask } from '../../domain/pricing/host-asks.ts';
import type { Clock } from '../ports.ts';
import type { MarketCatalog } from '../v1/market-catalog.ts';
import type { PricePoint, PricingStore } from './pricing-store.ts';

/** Slots of a host that declares no concurrency (an operator-registered engine). */
export const UNDECLARED_SLOTS = 4;

export type DemandPricingDeps = {
  store: PricingStore;
  catalog: MarketCatalog;
  clock: Clock;
  /** slot time per model on this instance since the last call (the router's) */
  takeBusyTime(): Map<string, number>;
  /** the asks of a model's hosts online now */
  onlineAsks(modelId: string): Ask[];
};

/**
 * The repricing loop of one instance: between repricings it touches the database only to see whether one is due
 * (the earliest known), so an idle tick costs nothing; busy time waits in memory until then. A model added
 * meanwhile gets its first window at the next due time.
 */
export function createDemandPricing(
  deps: DemandPricingDeps,
  rules: DemandPricingRules,
): { tick(): Promise<PricePoint[]> } {
  let nextDueAtMs = 0;
  return {
    async tick() {
      const nowMs = deps.clock.nowMs();
      if (nowMs < nextDueAtMs) return [];
      const busy = deps.takeBusyTime();
      if (busy.size > 0) await deps.store.addBusyTime(busy);
      await deps.store.openOverdueWindows(nowMs, rules.intervalMs);
      const repriced = await deps.store.repriceDue(nowMs, nowMs + rules.intervalMs, (due) => {
        const slots = (deps.catalog.get(due.modelId)?.routes ?? []).reduce(
          (sum, r) => sum + (r.host.maxConcurrency ?? UNDECLARED_SLOTS),
          0,
        );
        const utilization = utilizationOf(due.busyMs, nowMs - due.updatedAtMs, slots, rules);
        const floor = askFloor(due.floor, deps.onlineAsks(due.modelId), ceilingPrices(due.base, rules.ceilingMultiple));
        return { utilization, precise: nextPrices(due.precise, utilization, { base: due.base, floor }, rules) };
      });
      nextDueAtMs = repriced.nextDueAtMs;
      return repriced.points;
    },
  };
}
