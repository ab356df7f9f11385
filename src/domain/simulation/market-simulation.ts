// The economic attack simulator: simulated time, simulated buyers and hosts, and the market's real rules — demand
// pricing, the routing score and its caps, reputation and sampling, conviction, dispute rights, and every money
// movement through the market's own plans (sim-money.ts) — imported from src/domain, where the market runs them.
// Pure and seeded: one scenario and one seed give one result. A scenario's verdict compares the attacker's profit
// with what the same hosts would have earned honestly in the same market (the scenario run again, same seed, the
// attacker's group honest).
import type { MarketRules } from '../economics/market-rules.ts';
import { ledgerAccount } from '../ledger/transaction.ts';
import type { Nanos } from '../money/nanos.ts';
import { ceilingPrices, nextPrices, openingPricing, quotedPrice, utilizationOf } from '../pricing/demand-price.ts';
import { askFloor } from '../pricing/host-asks.ts';
import { createPrng } from '../tiny-model/prng.ts';
import { demandAt, type HostGroup, type Scenario } from './scenario.ts';
import { closeEpoch, serve } from './sim-money.ts';
import { routeRequest } from './sim-routing.ts';
import { activeHosts, createSimState, profitOf, type Detection, type SimState } from './sim-state.ts';

export type { Detection } from './sim-state.ts';
export type SimPoint = { tick: number; price: Nanos; utilization: number; attackerProfit: Nanos; honestProfit: Nanos };
export type SimulationResult = {
  scenario: string;
  seed: number;
  attackProfitable: boolean;
  /** the attacker group's profit, and what the same group earns when it is honest (same market, same seed) */
  attackerProfit: Nanos;
  honestProfit: Nanos;
  /** the tick of the attacker's first detection (a conviction, or losing the right to dispute); null: never */
  detectedAt: number | null;
  series: SimPoint[];
  detections: Detection[];
  totals: {
    requests: number;
    refunded: Nanos;
    slashed: Nanos;
    treasury: Nanos;
    platform: Nanos;
    refusedForPrice: number;
    refusedForCapacity: number;
  };
};

/**
 * The two runs share the seed but not every draw (routing diverges once the attacker acts), so an attacker within
 * 1% of its honest counterpart is within the simulation's noise, not ahead of it.
 */
export const PROFIT_NOISE_BPS = 100n;

const abs = (n: Nanos): Nanos => (n < 0n ? -n : n);

type Run = Omit<SimulationResult, 'attackProfitable' | 'honestProfit'>;

/** The attacker's group as an honest one: same size, cost and bond; no cheating, wash trades or disputes. */
const honestCounterpart = (group: HostGroup): HostGroup => ({
  ...group,
  strategy: 'honest',
  count: group.strategy === 'sybil' ? 1 : group.count,
  cheatShare: 0,
  washRequestsPerTick: 0,
  disputesPerTick: 0,
});

export function runSimulation(
  scenario: Scenario,
  seed: number,
  rules: MarketRules,
  onProgress: (tick: number, ticks: number) => void = () => undefined,
): SimulationResult {
  if (scenario.kind === 'liveness') {
    const run = simulate(scenario, seed, rules, (tick) => onProgress(tick, scenario.ticks));
    return { ...run, attackProfitable: false, honestProfit: 0n };
  }
  const attacked = simulate(scenario, seed, rules, (tick) => onProgress(Math.floor(tick / 2), scenario.ticks));
  const honest = simulate(
    { ...scenario, hosts: scenario.hosts.map((g) => (g.name === scenario.attacker ? honestCounterpart(g) : g)) },
    seed,
    rules,
    (tick) => onProgress(Math.floor((scenario.ticks + tick) / 2), scenario.ticks),
  );
  const attacker = scenario.hosts.find((g) => g.name === scenario.attacker) as HostGroup;
  return {
    ...attacked,
    attackProfitable:
      attacker.strategy !== 'honest' &&
      attacked.attackerProfit > honest.attackerProfit + (abs(honest.attackerProfit) * PROFIT_NOISE_BPS) / 10_000n,
    honestProfit: honest.attackerProfit,
    series: attacked.series.map((point, i) => ({ ...point, honestProfit: honest.series[i]?.attackerProfit ?? 0n })),
  };
}

/** The hosts' own traffic in a tick: wash trades bought from themselves, and griefers' requests they then dispute. */
function hostTraffic(state: SimState, tick: number, requestCost: () => Nanos): void {
  for (const host of activeHosts(state)) {
    if (host.group.strategy === 'wash') {
      for (let i = 0; i < host.group.washRequestsPerTick && host.servedThisTick < host.group.slots; i += 1) {
        host.spent += requestCost();
        state.recent.record(host.id);
        serve(state, host, host.id, tick, requestCost());
      }
    }
    if (host.group.strategy === 'griefer') {
      const record = state.griefs.get(host) ?? { rejected: 0, revoked: false };
      state.griefs.set(host, record);
      const perTick = host.group.disputesPerTick;
      const disputes = Math.floor(perTick) + (state.random() < perTick % 1 ? 1 : 0);
      for (let i = 0; i < disputes && !record.revoked; i += 1) {
        const targets = activeHosts(state).filter((h) => h !== host && h.servedThisTick < h.group.slots);
        const target = targets[Math.floor(state.random() * targets.length)];
        if (!target) break;
        host.spent += requestCost();
        state.recent.record(target.id);
        serve(state, target, host.id, tick, requestCost());
        target.disputedBy = host;
      }
    }
  }
}

function simulate(scenario: Scenario, seed: number, rules: MarketRules, onProgress: (tick: number) => void): Run {
  const prng = createPrng(seed);
  const random = () => prng.nextUnit();
  const state = createSimState(scenario, rules, random);
  const tickMs = scenario.tickSeconds * 1000;
  const bounds = { base: scenario.model.basePrice, floor: scenario.model.floorPrice };
  const ceiling = ceilingPrices(bounds.base, rules.pricing.ceilingMultiple);
  let precise = openingPricing(bounds.base).precise;
  let refusedForPrice = 0;
  let refusedForCapacity = 0;
  const series: SimPoint[] = [];
  const price = () => ({ prompt: quotedPrice(precise.prompt), completion: quotedPrice(precise.completion) });
  const requestCost = (p = price()) =>
    BigInt(scenario.model.promptTokens) * p.prompt + BigInt(scenario.model.completionTokens) * p.completion;
  const attackerGroup = scenario.hosts.find((g) => g.name === scenario.attacker);

  let busyRequests = 0;
  const progressEvery = Math.max(1, Math.floor(scenario.ticks / 100));
  for (let tick = 0; tick < scenario.ticks; tick += 1) {
    for (const host of state.hosts) host.servedThisTick = 0;
    const day = (2 * Math.PI * tick * scenario.tickSeconds) / 86_400;
    const p = price();
    const elasticity = Math.pow(
      Number(bounds.base.prompt + bounds.base.completion) / Number(p.prompt + p.completion),
      scenario.demand.elasticity,
    );
    const wanted = demandAt(scenario, tick) * (1 + scenario.demand.dailySwing * Math.sin(day)) * elasticity;
    const organic = Math.floor(wanted) + (random() < wanted - Math.floor(wanted) ? 1 : 0);

    hostTraffic(state, tick, requestCost);
    for (let i = 0; i < organic; i += 1) {
      const routed = routeRequest(state, price(), ceiling);
      if (routed === 'priced_out') refusedForPrice += organic - i;
      if (routed === 'no_capacity') refusedForCapacity += organic - i;
      if (typeof routed === 'string') break;
      state.recent.record(routed.host.id);
      serve(state, routed.host, 'buyer', tick, requestCost(routed.price));
    }
    busyRequests += activeHosts(state).reduce((sum, h) => sum + h.servedThisTick, 0);

    if ((tick + 1) % scenario.pricingIntervalTicks === 0) {
      const slots = activeHosts(state).reduce((sum, h) => sum + h.group.slots, 0);
      const interval = scenario.pricingIntervalTicks * tickMs;
      const utilization = utilizationOf(busyRequests * tickMs, interval, slots, rules.pricing);
      const asks = activeHosts(state).map((h) => h.group.ask ?? null);
      const floor = askFloor(bounds.floor, asks, ceiling);
      precise = nextPrices(precise, utilization, { base: bounds.base, floor }, rules.pricing);
      busyRequests = 0;
      series.push({
        tick: tick + 1,
        price: quotedPrice(precise.prompt),
        utilization,
        attackerProfit: attackerGroup ? profitOf(state, attackerGroup.name) : 0n,
        honestProfit: 0n,
      });
    }
    if ((tick + 1) % scenario.epochTicks === 0) closeEpoch(state, Math.floor(tick / scenario.epochTicks), tick);
    if (tick % progressEvery === 0) onProgress(tick);
  }
  onProgress(scenario.ticks);

  const attackerIds = new Set(state.hosts.filter((h) => h.group.name === attackerGroup?.name).map((h) => h.id));
  const firstDetection = state.detections.find((d) => attackerIds.has(d.host) && d.what !== 'miss_slash');
  return {
    scenario: scenario.name,
    seed,
    attackerProfit: attackerGroup ? profitOf(state, attackerGroup.name) : 0n,
    detectedAt: firstDetection?.tick ?? null,
    series,
    detections: state.detections,
    totals: {
      requests: state.requests,
      refunded: state.refunded,
      slashed: state.slashed,
      treasury: state.ledger.balance(ledgerAccount.treasury),
      platform: state.ledger.balance(ledgerAccount.platformFees),
      refusedForPrice,
      refusedForCapacity,
    },
  };
}
