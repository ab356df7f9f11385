// The market's money rules in one place: the take and its split, demand pricing, epochs and bonds. `agora start`
// reads them from its configuration; the simulator runs the same defaults.
import { DEFAULT_REVENUE_SPLIT, type RevenueSplit } from '../money/nanos.ts';
import { DEFAULT_DEMAND_PRICING, type DemandPricingRules } from '../pricing/demand-price.ts';
import { DEFAULT_BOND_RULES, type BondRules } from './bonds.ts';
import { DEFAULT_EPOCH_RULES, type EpochRules } from './epochs.ts';

export type MarketRules = { split: RevenueSplit; pricing: DemandPricingRules; epochs: EpochRules; bonds: BondRules };

export const DEFAULT_MARKET_RULES: MarketRules = {
  split: DEFAULT_REVENUE_SPLIT,
  pricing: DEFAULT_DEMAND_PRICING,
  epochs: DEFAULT_EPOCH_RULES,
  bonds: DEFAULT_BOND_RULES,
};
