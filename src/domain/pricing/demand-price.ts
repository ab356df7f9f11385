// The demand controller, EIP-1559 style: once per interval a model's price moves toward balance — up when the
// utilization of its observed capacity is above the target band, down toward the floor when below, never by more
// than a bounded step. Prices are kept in millionths of a nano-unit, so a step of a price of a few nano-units is
// not lost to rounding: it accumulates until the quoted (whole nano) price moves.
import { BASIS_POINTS, type Nanos } from '../money/nanos.ts';

export const PRICE_PRECISION = 1_000_000n;

export type DemandPricingRules = {
  /** utilization below `low` lowers the price, above `high` raises it (fractions of capacity, 0–1) */
  band: { low: number; high: number };
  /** the largest move of one interval, in basis points of the price */
  maxStepBps: number;
  /** the highest price, as a multiple of the operator's base price */
  ceilingMultiple: number;
  intervalMs: number;
};

export const DEFAULT_DEMAND_PRICING: DemandPricingRules = {
  band: { low: 0.4, high: 0.6 },
  maxStepBps: 1_250,
  ceilingMultiple: 10,
  intervalMs: 60_000,
};

/** A price per prompt token and per completion token. */
export type TokenPrices<T = Nanos> = { prompt: T; completion: T };

/** The move of one interval in basis points (signed): proportional to how far utilization is outside the band. */
export function stepBps(utilization: number, rules: DemandPricingRules): number {
  const { low, high } = rules.band;
  const u = Math.min(1, Math.max(0, utilization));
  if (u > high) return Math.round(rules.maxStepBps * Math.min(1, (u - high) / (1 - high)));
  if (u < low) return -Math.round(rules.maxStepBps * Math.min(1, (low - u) / low));
  return 0;
}

/** A precise price after one step, kept within [floor, ceiling] (both in whole nano-units). */
export function steppedPrice(precise: bigint, step: number, floor: Nanos, ceiling: Nanos): bigint {
  const moved = precise + (precise * BigInt(step)) / BASIS_POINTS;
  const min = floor * PRICE_PRECISION;
  const max = (ceiling > floor ? ceiling : floor) * PRICE_PRECISION;
  return moved < min ? min : moved > max ? max : moved;
}

/** The whole nano-unit price a buyer is quoted: never above the controller's, never below the floor. */
export const quotedPrice = (precise: bigint): Nanos => precise / PRICE_PRECISION;

export const ceilingPrice = (base: Nanos, ceilingMultiple: number): Nanos =>
  (base * BigInt(Math.round(ceilingMultiple * 100))) / 100n;

/** Both ceilings of a model from its base prices. */
export const ceilingPrices = (base: TokenPrices, ceilingMultiple: number): TokenPrices => ({
  prompt: ceilingPrice(base.prompt, ceilingMultiple),
  completion: ceilingPrice(base.completion, ceilingMultiple),
});

export type PriceBounds = { base: TokenPrices; floor: TokenPrices };

/** Both prices of a model after one interval at this utilization. */
export function nextPrices(
  precise: TokenPrices<bigint>,
  utilization: number,
  bounds: PriceBounds,
  rules: DemandPricingRules,
): TokenPrices<bigint> {
  const step = stepBps(utilization, rules);
  const ceiling = ceilingPrices(bounds.base, rules.ceilingMultiple);
  return {
    prompt: steppedPrice(precise.prompt, step, bounds.floor.prompt, ceiling.prompt),
    completion: steppedPrice(precise.completion, step, bounds.floor.completion, ceiling.completion),
  };
}

/**
 * Utilization of a model over an interval: the time its requests held a host's slot, over the slots its hosts
 * declare for that long. No hosts: no capacity to measure, so the band's middle (the price holds).
 */
export function utilizationOf(busyMs: number, elapsedMs: number, slots: number, rules: DemandPricingRules): number {
  if (slots <= 0 || elapsedMs <= 0) return (rules.band.low + rules.band.high) / 2;
  return Math.min(1, busyMs / (elapsedMs * slots));
}

/**
 * A model's pricing when it is first listed: the controller starts at the operator's base price, with a floor of
 * half of it (the operator changes the bounds through the pricing route).
 */
export const openingPricing = (base: TokenPrices): { floor: TokenPrices; precise: TokenPrices<bigint> } => ({
  floor: { prompt: base.prompt / 2n, completion: base.completion / 2n },
  precise: { prompt: base.prompt * PRICE_PRECISION, completion: base.completion * PRICE_PRECISION },
});
