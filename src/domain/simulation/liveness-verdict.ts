// The verdict of a liveness scenario: the market kept serving — no request refused for price while a host had room —
// and, once demand settled after the burst, utilization came back inside the controller's band.
import type { DemandPricingRules } from '../pricing/demand-price.ts';
import type { SimulationResult } from './market-simulation.ts';
import { phaseAt, type Scenario } from './scenario.ts';

export type LivenessVerdict = {
  ok: boolean;
  refusedForPrice: number;
  /** refused because every host was full: honest 503s while the price catches up with a burst */
  refusedForCapacity: number;
  /** mean utilization over the last quarter of the last phase (the burst, settled) */
  utilizationAfterBurst: number;
  band: DemandPricingRules['band'];
};

export function livenessVerdict(
  scenario: Scenario,
  result: SimulationResult,
  rules: DemandPricingRules,
): LivenessVerdict {
  const last = phaseAt(scenario.demand.phases ?? [], scenario.ticks - 1);
  const settledFrom = last.startTick + Math.floor((3 * (scenario.ticks - last.startTick)) / 4);
  const settled = result.series.filter((p) => p.tick > settledFrom);
  const utilizationAfterBurst =
    settled.length === 0 ? 0 : settled.reduce((sum, p) => sum + p.utilization, 0) / settled.length;
  const { refusedForPrice, refusedForCapacity } = result.totals;
  const inBand = utilizationAfterBurst >= rules.band.low && utilizationAfterBurst <= rules.band.high;
  return {
    ok: refusedForPrice === 0 && inBand,
    refusedForPrice,
    refusedForCapacity,
    utilizationAfterBurst,
    band: rules.band,
  };
}
