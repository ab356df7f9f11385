// The store port for demand prices: each model's floor and the controller's exact state, the busy time gateway
// instances report, and the history of every repricing.
import type { TokenPrices } from '../../domain/pricing/demand-price.ts';
import type { UsageClassFactors } from '../../domain/pricing/usage-class-prices.ts';

export type ModelPricing = {
  modelId: string;
  /** the operator's price (the catalog's), from which the ceiling follows */
  base: TokenPrices;
  floor: TokenPrices;
  /** the model's usage-class factors: its cache-read and reasoning prices follow the demand price by them */
  classFactors: UsageClassFactors;
  /** in millionths of a nano-unit */
  precise: TokenPrices<bigint>;
  /** of the last interval; null before the first repricing */
  utilization: number | null;
  updatedAtMs: number;
  nextUpdateAtMs: number;
};

export type DuePricing = ModelPricing & { busyMs: number };
export type Repricing = { precise: TokenPrices<bigint>; utilization: number };
export type PricePoint = { modelId: string; atMs: number; prompt: bigint; completion: bigint; utilization: number };

export type PricingStore = {
  /** adds this instance's slot time per model since its last report */
  addBusyTime(busyMs: ReadonlyMap<string, number>): Promise<void>;
  /**
   * Reprices every model whose update is due at nowMs, its row locked so one gateway instance reprices it once;
   * resets its busy time and records the new price in the history. `nextDueAtMs`: the earliest repricing still ahead.
   */
  repriceDue(
    nowMs: number,
    nextUpdateAtMs: number,
    reprice: (due: DuePricing) => Repricing,
  ): Promise<{ points: PricePoint[]; nextDueAtMs: number }>;
  /**
   * Starts a fresh measurement at nowMs for every model whose repricing is an interval or more overdue (no instance
   * was running, or the model is new), so time the market was stopped is not read as idle capacity.
   */
  openOverdueWindows(nowMs: number, intervalMs: number): Promise<void>;
  listPricing(): Promise<ModelPricing[]>;
  /** the newest points first, at most `limit` */
  priceHistory(modelId: string, limit: number): Promise<PricePoint[]>;
  /** sets a model's base (its catalog price) and floor; the controller's price is kept within the new bounds */
  setBounds(
    modelId: string,
    bounds: { base: TokenPrices; floor: TokenPrices },
    ceilingMultiple: number,
  ): Promise<boolean>;
};
