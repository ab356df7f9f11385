// A simulator scenario as the simulator reads it: the market's model and demand, and groups of hosts with their
// strategies. The file format and its defaults are the zod contract in src/contracts/simulation/scenario.ts, whose
// parsed value has this shape (the CLI passes one to the other, so the compiler checks that they agree).
import type { Nanos } from '../money/nanos.ts';

export type Strategy = 'honest' | 'substitute' | 'selective' | 'sybil' | 'wash' | 'griefer';
export type TokenAmounts = { prompt: Nanos; completion: Nanos };

export type HostGroup = {
  name: string;
  strategy: Strategy;
  /** hosts in the group (a sybil group: identities it can re-enter with after a conviction) */
  count: number;
  /** requests one host serves per tick */
  slots: number;
  costPerRequest: Nanos;
  /** what a cheated request costs it; undefined: the same as an honest one */
  cheatCostPerRequest?: Nanos | undefined;
  bond: Nanos;
  cheatShare: number;
  washRequestsPerTick: number;
  disputesPerTick: number;
  missShare: number;
  /** the least it serves for, per token; none: it takes the market price */
  ask?: TokenAmounts | undefined;
};

export type DemandPhase = { name: string; ticks: number; requestsPerTick: number };

export type Scenario = {
  name: string;
  description: string;
  ticks: number;
  tickSeconds: number;
  epochTicks: number;
  pricingIntervalTicks: number;
  model: {
    basePrice: TokenAmounts;
    floorPrice: TokenAmounts;
    promptTokens: number;
    completionTokens: number;
    positionsPerSample: number;
  };
  demand: {
    requestsPerTick: number;
    elasticity: number;
    dailySwing: number;
    phases?: DemandPhase[] | undefined;
  };
  hosts: HostGroup[];
  kind: 'attack' | 'liveness';
  attacker?: string | undefined;
};

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

/** Requests per tick the scenario's buyers want at a tick (before the daily swing and price elasticity). */
export const demandAt = (scenario: Scenario, tick: number): number =>
  scenario.demand.phases
    ? phaseAt(scenario.demand.phases, tick).phase.requestsPerTick
    : scenario.demand.requestsPerTick;
