// The simulator runs the market's own money plans on its in-memory ledger: a seeded run is reproducible, a substitute
// host is convicted and every buyer it served since its last passed check is refunded, and a miss-prone bonded host
// loses bond to the treasury at an epoch's close.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_RULES } from '../economics/market-rules.ts';
import { runSimulation } from './market-simulation.ts';
import type { HostGroup, Scenario } from './scenario.ts';

const group = (name: string, strategy: HostGroup['strategy'], extra: Partial<HostGroup> = {}): HostGroup => ({
  name,
  strategy,
  count: 1,
  slots: 20,
  costPerRequest: 20_000n,
  bond: 0n,
  cheatShare: 0,
  washRequestsPerTick: 0,
  disputesPerTick: 0,
  missShare: 0,
  ...extra,
});

const scenario = (hosts: HostGroup[]): Scenario => ({
  name: 'unit',
  description: 'a small market',
  ticks: 120,
  tickSeconds: 60,
  epochTicks: 30,
  pricingIntervalTicks: 1,
  model: {
    basePrice: { prompt: 100n, completion: 200n },
    floorPrice: { prompt: 50n, completion: 100n },
    promptTokens: 200,
    completionTokens: 100,
    positionsPerSample: 16,
  },
  demand: { requestsPerTick: 20, elasticity: 1, dailySwing: 0 },
  hosts,
  kind: 'attack',
  attacker: 'cheater',
});

describe('market simulation', () => {
  it('convicts a substitute, refunds its buyers, and gives one result per seed', () => {
    const market = scenario([
      group('honest', 'honest', { count: 2, bond: 10n ** 11n }),
      group('cheater', 'substitute'),
    ]);
    const run = runSimulation(market, 7, DEFAULT_MARKET_RULES);
    expect(runSimulation(market, 7, DEFAULT_MARKET_RULES)).toEqual(run);
    const conviction = run.detections.find((d) => d.what === 'conviction');
    expect(conviction?.host).toMatch(/^cheater-/);
    expect(conviction?.refunded).toBeGreaterThan(0n);
    expect(run.totals.refunded).toBe(conviction?.refunded);
    expect(run.attackProfitable).toBe(false);
  });

  it('slashes a bonded host that misses too many requests to the treasury', () => {
    const market = scenario([
      group('honest', 'honest'),
      group('cheater', 'honest', { bond: 10n ** 11n, missShare: 0.5 }),
    ]);
    const run = runSimulation(market, 3, DEFAULT_MARKET_RULES);
    const slashes = run.detections.filter((d) => d.what === 'miss_slash');
    expect(slashes.length).toBeGreaterThan(0);
    expect(run.totals.slashed).toBe(slashes.reduce((sum, d) => sum + d.slashed, 0n));
    expect(run.totals.treasury).toBeGreaterThanOrEqual(run.totals.slashed);
  });
});
