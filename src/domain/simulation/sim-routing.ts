// A buyer's request as the gateway admits it, in the simulated market: the hosts with room this tick, the price
// locked among their asks, then the routing score and its caps (the bond cap reads each host's bond from the ledger).
import { admissionPrice, servesAt } from '../pricing/host-asks.ts';
import type { TokenPrices } from '../pricing/demand-price.ts';
import { orderHosts } from '../routing/host-choice.ts';
import { capTiers } from '../routing/traffic-share.ts';
import { reputationWeight } from '../verification/reputation.ts';
import { activeHosts, bondOf, type SimHost, type SimState } from './sim-state.ts';

export function routeRequest(
  state: SimState,
  price: TokenPrices,
  ceiling: TokenPrices,
): { host: SimHost; price: TokenPrices } | 'no_capacity' | 'priced_out' {
  const { scenario, rules } = state;
  const withRoom = activeHosts(state).filter((h) => h.servedThisTick < h.group.slots);
  if (withRoom.length === 0) return 'no_capacity';
  const worstCase = { promptTokens: scenario.model.promptTokens, completionTokens: scenario.model.completionTokens };
  const asks = withRoom.map((h) => h.group.ask ?? null);
  const locked = admissionPrice(price, asks, ceiling, worstCase);
  if (!locked) return 'priced_out';
  const open = withRoom.filter((h) => servesAt(h.group.ask ?? null, locked));
  const tiers = capTiers(open, state.recent, (h) => ({ id: h.id, bond: bondOf(state, h) }), rules.bonds);
  for (const tier of tiers) {
    if (tier.length === 0) continue;
    const loads = tier.map((h) => ({
      host: h,
      hostId: h.id,
      latencyMs: h.latencyMs,
      outstanding: h.servedThisTick,
      weight: h.group.slots * reputationWeight(h.reputation),
    }));
    return { host: orderHosts(loads, state.random)[0]!.host, price: locked };
  }
  return 'no_capacity';
}
