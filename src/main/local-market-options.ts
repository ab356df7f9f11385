// The options of a market a tool or a test starts on this machine (the sandbox scenarios, the benches, the test
// suite): loopback on any port, no built-in hosts, the default rules, and nothing on a timer that the caller did not
// ask for (no settlement, capacity probes or verifier). Each caller overrides only what its story needs.
import { DEFAULT_MARKET_RULES } from '../domain/economics/market-rules.ts';
import { DEFAULT_MAINTENANCE_RULES } from '../domain/hosts/maintenance.ts';
import { DEFAULT_HEALTH_RULES } from '../domain/status/availability.ts';
import type { MarketOptions } from './market.ts';

export function localMarketOptions(
  options: Pick<MarketOptions, 'dataDir' | 'modelCacheDir'> & Partial<MarketOptions>,
): MarketOptions {
  return {
    port: 0,
    host: '127.0.0.1',
    builtinHosts: 0,
    economics: DEFAULT_MARKET_RULES,
    settlementIntervalMs: 0,
    starterCredits: 0n,
    demoCredits: 0n,
    leaseChunkNanos: 100_000_000n,
    rateLimits: { requestsPerMinute: 100_000, tokensPerMinute: 100_000_000 },
    hostAdmission: 'open',
    maintenanceRules: DEFAULT_MAINTENANCE_RULES,
    capacityProbes: { intervalMs: 0, budgetPerDay: 0n },
    hedgedModels: [],
    verification: { samplingFloor: 0.02, workerIntervalMs: 0 },
    trafficSampleMs: 60_000,
    health: DEFAULT_HEALTH_RULES,
    logLevel: 'silent',
    ...options,
  };
}
