// What `agora start` (and a test or tool starting a market in its process) may choose: where it listens and keeps
// its data (and on which thread its embedded database runs), its rules, its background jobs' intervals, and the time
// it runs on.
import type pino from 'pino';
import { join } from 'node:path';
import type { DatabaseLocation, EmbeddedDatabaseThread } from '../adapters/sql/open-database.ts';
import type { HostAdmission } from '../app/hosts/host-registry.ts';
import type { RateLimitDefaults } from '../app/limits/key-rate-limiter.ts';
import type { BillingWriter, TimePorts } from '../app/ports.ts';
import type { CheckEvent } from '../app/verification/verifier.ts';
import type { MarketRules } from '../domain/economics/market-rules.ts';
import type { FormatRules } from '../domain/formats/format-scorecard.ts';
import type { MaintenanceRules } from '../domain/hosts/maintenance.ts';
import type { GovernanceRules } from '../domain/governance/governed-rules.ts';
import type { Nanos } from '../domain/money/nanos.ts';
import type { HealthRules } from '../domain/status/availability.ts';
import type { CapacityProbingOptions } from './capacity-probing.ts';
import type { VerificationOptions } from './verification.ts';

export type MarketOptions = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** which thread runs the embedded database (no databaseUrl); default 'worker' (docs/decisions/019-pglite-on-a-worker-thread.md) */
  embeddedDatabaseThread?: EmbeddedDatabaseThread | undefined;
  modelCacheDir: string;
  /** built-in host agents started beside the market (each its own identity, engine and registration) */
  builtinHosts: number;
  /** the take and its split, demand pricing, epochs and bonds */
  economics: MarketRules;
  /** how often this instance settles due epochs; 0: only on demand (POST /admin/epochs/settle) or by another instance */
  settlementIntervalMs: number;
  starterCredits: Nanos;
  /**
   * governance's genesis: its rules and the units issued once when the market is created (default: a founding
   * allocation to the operator's account and an equal treasury share). Every governed rule here and above is a
   * genesis value: read when the market is created, changed afterwards only by proposals.
   */
  governance?: { rules?: GovernanceRules; genesis?: { founderUnits: bigint; treasuryUnits: bigint } } | undefined;
  demoCredits: Nanos;
  leaseChunkNanos: Nanos;
  /** per key, unless the key sets its own */
  rateLimits: RateLimitDefaults;
  maintenanceRules: MaintenanceRules;
  /** open (the default): hosts that pass the checks serve at once; approval: the operator approves each one */
  hostAdmission: HostAdmission;
  /** synthetic requests that measure each host's real speed; an interval of 0 sends none */
  capacityProbes: CapacityProbingOptions;
  /** models whose requests hedge by default (a request or key may still say `hedge: false`) */
  hedgedModels: string[];
  /** re-scoring of sampled answers against the reference engine */
  verification: VerificationOptions;
  /** told of every verification check this process makes (the sandbox prints them) */
  onVerificationCheck?: (event: CheckEvent) => void;
  /** how often each gateway instance writes a traffic sample per model (the status page and its uptime) */
  trafficSampleMs: number;
  /** when a model counts as down, and when an incident is suggested */
  health: HealthRules;
  /** when routing lowers the weight of a host for its format failures (default DEFAULT_FORMAT_RULES) */
  formatRules?: FormatRules | undefined;
  logLevel: 'silent' | 'info' | 'warn' | 'error';
  /** where the JSON log lines go (default: stdout); tests read them here */
  logDestination?: pino.DestinationStream;
  /** how long an answer's end waits for its capture through database failures before it ends in an error (default 10 s) */
  billingGiveUpMs?: number;
  /** wraps the database's billing writer: tests delay or fail its writes */
  wrapBillingWriter?: (writer: BillingWriter) => BillingWriter;
  /**
   * the clock, random source and scheduler of every rule and timer in the market; default the system's (tests pass
   * time they advance, to close an epoch or age a heartbeat without waiting)
   */
  time?: TimePorts;
};

/** Settling a tenth of an epoch after it is due is soon enough; a few seconds at most, for short sandbox epochs. */
export const settlementIntervalFor = (epochLengthMs: number): number =>
  Math.max(250, Math.min(5_000, epochLengthMs / 10));

/**
 * The market's database: PostgreSQL from its URL, or PGlite in the data directory, off the request thread unless
 * the options say otherwise (docs/decisions/019-pglite-on-a-worker-thread.md).
 */
export const marketDatabase = (options: MarketOptions, dataDir: string, templateDir: string): DatabaseLocation =>
  options.databaseUrl
    ? { url: options.databaseUrl }
    : { dataDir: join(dataDir, 'pgdata'), templateDir, thread: options.embeddedDatabaseThread ?? 'worker' };
