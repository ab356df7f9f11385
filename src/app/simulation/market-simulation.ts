// The economic attack simulator: simulated time, simulated buyers and hosts, and the market's real rules — demand
// pricing, the routing score and its caps, reputation and sampling, conviction, refunds and slashes, the take
// split, epochs with hold-back, dispute rights — imported from where the market runs them. Seeded: one scenario and
// one seed give one result. A scenario's verdict compares the attacker's profit with what the same hosts would
// have earned honestly in the same market (the scenario run again, same seed, the attacker's group honest).
import type { DemandPhase, HostGroup, Scenario } from '../../contracts/simulation/scenario.ts';
import { missesAboveThreshold, slashOf } from '../../domain/economics/bonds.ts';
import { releaseAmount } from '../../domain/economics/epochs.ts';
import type { MarketRules } from '../../domain/economics/market-rules.ts';
import { splitCost, type Nanos } from '../../domain/money/nanos.ts';
import {
  ceilingPrices,
  nextPrices,
  PRICE_PRECISION,
  quotedPrice,
  utilizationOf,
  type TokenPrices,
} from '../../domain/pricing/demand-price.ts';
import { admissionPrice, askFloor, servesAt } from '../../domain/pricing/host-asks.ts';
import { orderHosts } from '../../domain/routing/host-choice.ts';
import { capTiers, RecentTraffic } from '../../domain/routing/traffic-share.ts';
import { createPrng } from '../../domain/tiny-model/prng.ts';
import { afterCheck, DEFAULT_CONVICTION_RULE } from '../../domain/verification/conviction.ts';
import { planRefunds, type RefundableResponse } from '../../domain/verification/refund-plan.ts';
import { reputationAfter, reputationWeight, samplingRate } from '../../domain/verification/reputation.ts';
import { MIN_CHECK_POSITIONS } from '../../domain/verification/response-check.ts';
import { DISPUTE_RIGHTS } from '../verification/disputes.ts';

type SimHost = {
  id: string;
  group: HostGroup;
  reputation: number;
  evidence: number;
  suspended: boolean;
  earnings: Nanos;
  payable: Nanos;
  bond: Nanos;
  earnedByEpoch: Map<number, Nanos>;
  costs: Nanos;
  /** what it paid as a buyer: wash trades and the responses behind false disputes */
  spent: Nanos;
  pool: boolean[];
  poolPositions: number;
  sinceLastPass: RefundableResponse[];
  disputedBy: SimHost | undefined;
  servedThisTick: number;
  missesThisEpoch: number;
  forwardedThisEpoch: number;
  latencyMs: number;
};

export type SimPoint = { tick: number; price: Nanos; utilization: number; attackerProfit: Nanos; honestProfit: Nanos };
export type Detection = {
  tick: number;
  host: string;
  what: 'conviction' | 'disputes_revoked' | 'miss_slash';
  refunded: Nanos;
  slashed: Nanos;
};
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

const CHEATERS = new Set(['substitute', 'sybil']);

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

function simulate(scenario: Scenario, seed: number, rules: MarketRules, onProgress: (tick: number) => void): Run {
  const prng = createPrng(seed);
  const random = () => prng.nextUnit();
  const tickMs = scenario.tickSeconds * 1000;
  const bounds = { base: scenario.model.basePrice, floor: scenario.model.floorPrice };
  const ceiling = ceilingPrices(bounds.base, rules.pricing.ceilingMultiple);
  const worstCase = { promptTokens: scenario.model.promptTokens, completionTokens: scenario.model.completionTokens };
  let precise = { prompt: bounds.base.prompt * PRICE_PRECISION, completion: bounds.base.completion * PRICE_PRECISION };
  let treasury = 0n;
  let platform = 0n;
  let refundedTotal = 0n;
  let slashedTotal = 0n;
  let requests = 0;
  let refusedForPrice = 0;
  let refusedForCapacity = 0;
  let nextId = 0;
  const detections: Detection[] = [];
  const series: SimPoint[] = [];
  const recent = new RecentTraffic();
  const hosts: SimHost[] = [];
  const reentries = new Map<string, number>();
  const griefs = new Map<SimHost, { rejected: number; revoked: boolean }>();

  const newHost = (group: HostGroup): SimHost => {
    const host: SimHost = {
      id: `${group.name}-${(nextId += 1)}`,
      group,
      reputation: 0,
      evidence: 0,
      suspended: false,
      earnings: 0n,
      payable: 0n,
      bond: group.bond,
      earnedByEpoch: new Map(),
      costs: 0n,
      spent: 0n,
      pool: [],
      poolPositions: 0,
      sinceLastPass: [],
      disputedBy: undefined,
      servedThisTick: 0,
      missesThisEpoch: 0,
      forwardedThisEpoch: 0,
      latencyMs: 80 + random() * 40,
    };
    hosts.push(host);
    return host;
  };
  for (const group of scenario.hosts) {
    const live = group.strategy === 'sybil' ? 1 : group.count;
    for (let i = 0; i < live; i += 1) newHost(group);
    if (group.strategy === 'sybil') reentries.set(group.name, group.count - 1);
  }
  const active = () => hosts.filter((h) => !h.suspended);
  const price = () => ({ prompt: quotedPrice(precise.prompt), completion: quotedPrice(precise.completion) });
  const requestCost = (p: TokenPrices = price()) =>
    BigInt(scenario.model.promptTokens) * p.prompt + BigInt(scenario.model.completionTokens) * p.completion;
  const epochOf = (tick: number) => Math.floor(tick / scenario.epochTicks);

  const check = (host: SimHost, tick: number) => {
    const passed = !host.pool.some((cheated) => cheated);
    host.pool = [];
    host.poolPositions = 0;
    host.reputation = reputationAfter(host.reputation, { kind: passed ? 'passed' : 'failed' });
    const evidence = afterCheck(host.evidence, passed, DEFAULT_CONVICTION_RULE);
    host.evidence = evidence.score;
    if (passed) {
      host.sinceLastPass = [];
      const griefer = host.disputedBy;
      host.disputedBy = undefined;
      const record = griefer && griefs.get(griefer);
      if (griefer && record && !record.revoked) {
        record.rejected += 1;
        // A griefer's disputes are all rejected: its upheld share is 0, below the rights' minimum.
        if (record.rejected >= DISPUTE_RIGHTS.minRejected) {
          record.revoked = true;
          detections.push({ tick, host: griefer.id, what: 'disputes_revoked', refunded: 0n, slashed: 0n });
        }
      }
    }
    if (!evidence.convicted) return;
    const plan = planRefunds(
      `cv${tick}`,
      host.id,
      host.sinceLastPass,
      { hostEarnings: host.earnings, hostBond: host.bond, hostUnbonding: 0n, treasury },
      rules.bonds.convictionSlashBps,
    );
    host.earnings -= plan.fromHost;
    host.bond -= plan.fromBond + plan.slashed;
    treasury += plan.slashed - plan.fromTreasury;
    refundedTotal += plan.total;
    slashedTotal += plan.slashed;
    host.suspended = true;
    host.sinceLastPass = [];
    detections.push({ tick, host: host.id, what: 'conviction', refunded: plan.total, slashed: plan.slashed });
    const left = reentries.get(host.group.name) ?? 0;
    if (left > 0) {
      reentries.set(host.group.name, left - 1);
      newHost(host.group);
    }
  };

  const serve = (host: SimHost, buyer: string, tick: number, cost = requestCost()) => {
    host.servedThisTick += 1;
    host.forwardedThisEpoch += 1;
    if (random() < host.group.missShare) {
      host.missesThisEpoch += 1;
      host.reputation = reputationAfter(host.reputation, { kind: 'missed', count: 1 });
      return;
    }
    requests += 1;
    const split = splitCost(cost, rules.split);
    host.earnings += split.host;
    const epoch = epochOf(tick);
    host.earnedByEpoch.set(epoch, (host.earnedByEpoch.get(epoch) ?? 0n) + split.host);
    platform += split.platform;
    treasury += split.treasury;
    const cheated =
      CHEATERS.has(host.group.strategy) || (host.group.strategy === 'selective' && random() < host.group.cheatShare);
    host.costs += cheated ? (host.group.cheatCostPerRequest ?? host.group.costPerRequest) : host.group.costPerRequest;
    host.sinceLastPass.push({ requestId: `r${requests}`, accountId: buyer, cost });
    if (random() < (host.disputedBy ? 1 : samplingRate(host.reputation))) {
      host.pool.push(cheated);
      host.poolPositions += scenario.model.positionsPerSample;
      if (host.poolPositions >= MIN_CHECK_POSITIONS) check(host, tick);
    }
  };

  /** A buyer's request as the gateway admits it: the hosts with room, the price locked among their asks, then routing. */
  const route = (candidates: SimHost[]): { host: SimHost; price: TokenPrices } | 'no_capacity' | 'priced_out' => {
    const withRoom = candidates.filter((h) => h.servedThisTick < h.group.slots);
    if (withRoom.length === 0) return 'no_capacity';
    const locked = admissionPrice(
      price(),
      withRoom.map((h) => h.group.ask ?? null),
      ceiling,
      worstCase,
    );
    if (!locked) return 'priced_out';
    const open = withRoom.filter((h) => servesAt(h.group.ask ?? null, locked));
    const tiers = capTiers(open, recent, (h) => h, rules.bonds);
    for (const tier of tiers) {
      if (tier.length === 0) continue;
      const loads = tier.map((h) => ({
        host: h,
        hostId: h.id,
        latencyMs: h.latencyMs,
        outstanding: h.servedThisTick,
        weight: h.group.slots * reputationWeight(h.reputation),
      }));
      return { host: orderHosts(loads, random)[0]!.host, price: locked };
    }
    return 'no_capacity';
  };

  const profitOf = (groupName: string): Nanos =>
    hosts
      .filter((h) => h.group.name === groupName)
      .reduce((sum, h) => sum + h.earnings + h.payable + (h.bond - h.group.bond) - h.costs - h.spent, 0n);
  const attackerGroup = scenario.hosts.find((g) => g.name === scenario.attacker);

  let busyRequests = 0;
  const progressEvery = Math.max(1, Math.floor(scenario.ticks / 100));
  for (let tick = 0; tick < scenario.ticks; tick += 1) {
    for (const host of hosts) host.servedThisTick = 0;
    const day = (2 * Math.PI * tick * scenario.tickSeconds) / 86_400;
    const p = price();
    const elasticity = Math.pow(
      Number(bounds.base.prompt + bounds.base.completion) / Number(p.prompt + p.completion),
      scenario.demand.elasticity,
    );
    const wanted = demandAt(scenario, tick) * (1 + scenario.demand.dailySwing * Math.sin(day)) * elasticity;
    const organic = Math.floor(wanted) + (random() < wanted - Math.floor(wanted) ? 1 : 0);

    for (const host of active()) {
      if (host.group.strategy === 'wash') {
        for (let i = 0; i < host.group.washRequestsPerTick && host.servedThisTick < host.group.slots; i += 1) {
          host.spent += requestCost();
          recent.record(host.id);
          serve(host, host.id, tick);
        }
      }
      if (host.group.strategy === 'griefer') {
        const record = griefs.get(host) ?? { rejected: 0, revoked: false };
        griefs.set(host, record);
        const disputes = Math.floor(host.group.disputesPerTick) + (random() < host.group.disputesPerTick % 1 ? 1 : 0);
        for (let i = 0; i < disputes && !record.revoked; i += 1) {
          const targets = active().filter((h) => h !== host && h.servedThisTick < h.group.slots);
          const target = targets[Math.floor(random() * targets.length)];
          if (!target) break;
          host.spent += requestCost();
          recent.record(target.id);
          serve(target, host.id, tick);
          target.disputedBy = host;
        }
      }
    }
    for (let i = 0; i < organic; i += 1) {
      const routed = route(active());
      if (routed === 'priced_out') refusedForPrice += organic - i;
      if (routed === 'no_capacity') refusedForCapacity += organic - i;
      if (typeof routed === 'string') break;
      recent.record(routed.host.id);
      serve(routed.host, 'buyer', tick, requestCost(routed.price));
    }
    busyRequests += active().reduce((sum, h) => sum + h.servedThisTick, 0);

    if ((tick + 1) % scenario.pricingIntervalTicks === 0) {
      const slots = active().reduce((sum, h) => sum + h.group.slots, 0);
      const utilization = utilizationOf(
        busyRequests * tickMs,
        scenario.pricingIntervalTicks * tickMs,
        slots,
        rules.pricing,
      );
      const floor = askFloor(
        bounds.floor,
        active().map((h) => h.group.ask ?? null),
        ceiling,
      );
      precise = nextPrices(precise, utilization, { base: bounds.base, floor }, rules.pricing);
      busyRequests = 0;
      series.push({
        tick: tick + 1,
        price: quotedPrice(precise.prompt),
        utilization,
        attackerProfit: attackerGroup ? profitOf(attackerGroup.name) : 0n,
        honestProfit: 0n,
      });
    }
    if ((tick + 1) % scenario.epochTicks === 0) {
      const closed = epochOf(tick);
      for (const host of hosts) {
        if (missesAboveThreshold(host.missesThisEpoch, host.forwardedThisEpoch, rules.bonds)) {
          const slash = slashOf(host.bond, rules.bonds.missSlashBps);
          host.bond -= slash;
          treasury += slash;
          slashedTotal += slash;
          if (slash > 0n) detections.push({ tick, host: host.id, what: 'miss_slash', refunded: 0n, slashed: slash });
        }
        host.missesThisEpoch = 0;
        host.forwardedThisEpoch = 0;
        const released = closed - rules.epochs.holdBackEpochs;
        const amount = releaseAmount(host.earnedByEpoch.get(released) ?? 0n, host.earnings);
        host.earnings -= amount;
        host.payable += amount;
      }
    }
    if (tick % progressEvery === 0) onProgress(tick);
  }
  onProgress(scenario.ticks);

  const attackerIds = new Set(hosts.filter((h) => h.group.name === attackerGroup?.name).map((h) => h.id));
  const firstDetection = detections.find((d) => attackerIds.has(d.host) && d.what !== 'miss_slash');
  return {
    scenario: scenario.name,
    seed,
    attackerProfit: attackerGroup ? profitOf(attackerGroup.name) : 0n,
    detectedAt: firstDetection?.tick ?? null,
    series,
    detections,
    totals: {
      requests,
      refunded: refundedTotal,
      slashed: slashedTotal,
      treasury,
      platform,
      refusedForPrice,
      refusedForCapacity,
    },
  };
}

/** The demand phase a tick falls in; past the last phase, the last holds. */
export function phaseAt(phases: readonly DemandPhase[], tick: number): { phase: DemandPhase; startTick: number } {
  let startTick = 0;
  for (const phase of phases) {
    if (tick < startTick + phase.ticks) return { phase, startTick };
    startTick += phase.ticks;
  }
  const last = phases[phases.length - 1] as DemandPhase;
  return { phase: last, startTick: startTick - last.ticks };
}

const demandAt = (scenario: Scenario, tick: number): number =>
  scenario.demand.phases
    ? phaseAt(scenario.demand.phases, tick).phase.requestsPerTick
    : scenario.demand.requestsPerTick;
