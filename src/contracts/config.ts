// The market's configuration: environment variables (AGORA_*, DATABASE_URL) under command-line flags, validated
// once at start. Amounts are decimal strings in the market's currency.
import { z } from 'zod';
import { DEFAULT_MAINTENANCE_RULES } from '../domain/hosts/maintenance.ts';
import { amountSchema } from './amount.ts';
import { DEFAULT_BOND_RULES } from '../domain/economics/bonds.ts';
import { DEFAULT_EPOCH_RULES } from '../domain/economics/epochs.ts';
import type { MarketRules } from '../domain/economics/market-rules.ts';
import { DEFAULT_DEMAND_PRICING } from '../domain/pricing/demand-price.ts';
import { DEFAULT_FORMAT_RULES } from '../domain/formats/format-scorecard.ts';
import {
  DEFAULT_GOVERNANCE_GENESIS,
  DEFAULT_GOVERNANCE_RULES,
  type GovernanceRules,
} from '../domain/governance/governed-rules.ts';

const units = z
  .string()
  .regex(/^\d{1,18}$/, 'a whole number of governance units')
  .transform((s) => BigInt(s));

export const marketConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('.agora'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
      .optional(),
    modelCache: z.string().min(1).default('.cache/models'),
    takeRateBps: z.coerce.number().int().min(0).max(10_000).default(1_000),
    treasuryShareBps: z.coerce.number().int().min(0).max(10_000).default(5_000),
    priceIntervalS: z.coerce
      .number()
      .positive()
      .default(DEFAULT_DEMAND_PRICING.intervalMs / 1000),
    priceBandLow: z.coerce.number().gt(0).lt(1).default(DEFAULT_DEMAND_PRICING.band.low),
    priceBandHigh: z.coerce.number().gt(0).lt(1).default(DEFAULT_DEMAND_PRICING.band.high),
    priceMaxStepBps: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_DEMAND_PRICING.maxStepBps),
    priceCeilingMultiple: z.coerce.number().min(1).default(DEFAULT_DEMAND_PRICING.ceilingMultiple),
    epochMinutes: z.coerce
      .number()
      .positive()
      .default(DEFAULT_EPOCH_RULES.lengthMs / 60_000),
    /** development and sandbox only: epochs this many seconds long (overrides epochMinutes) */
    epochSeconds: z.coerce.number().positive().optional(),
    holdBackEpochs: z.coerce.number().int().min(0).default(DEFAULT_EPOCH_RULES.holdBackEpochs),
    /** governance's genesis: units issued once when the market is created */
    govFounderUnits: units.default(DEFAULT_GOVERNANCE_GENESIS.founderUnits),
    govTreasuryUnits: units.default(DEFAULT_GOVERNANCE_GENESIS.treasuryUnits),
    govVotingDelayEpochs: z.coerce.number().int().min(1).default(DEFAULT_GOVERNANCE_RULES.votingDelayEpochs),
    govVotingPeriodEpochs: z.coerce.number().int().min(1).default(DEFAULT_GOVERNANCE_RULES.votingPeriodEpochs),
    govQuorumBps: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_GOVERNANCE_RULES.quorumBps),
    govTimelockEpochs: z.coerce.number().int().min(0).default(DEFAULT_GOVERNANCE_RULES.timelockEpochs),
    bondBaseShareBps: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_BOND_RULES.baseShareBps),
    bondFullShare: amountSchema.default(DEFAULT_BOND_RULES.fullShareBond),
    convictionSlashBps: z.coerce
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(Number(DEFAULT_BOND_RULES.convictionSlashBps)),
    missSlashBps: z.coerce.number().int().min(0).max(10_000).default(Number(DEFAULT_BOND_RULES.missSlashBps)),
    missThresholdBps: z.coerce.number().int().min(0).max(10_000).default(Number(DEFAULT_BOND_RULES.missThresholdBps)),
    unbondingEpochs: z.coerce.number().int().min(0).default(DEFAULT_BOND_RULES.unbondingEpochs),
    starterCredits: amountSchema.default(0n),
    demoCredits: amountSchema.default(10_000_000_000n),
    leaseChunk: amountSchema.default(1_000_000_000n),
    rateLimitRpm: z.coerce.number().int().min(1).default(600),
    rateLimitTpm: z.coerce.number().int().min(1).default(1_000_000),
    hosts: z.coerce.number().int().min(0).max(16).default(2),
    hostAdmission: z.enum(['open', 'approval']).default('open'),
    maintenanceNoticeS: z.coerce
      .number()
      .int()
      .min(0)
      .default(DEFAULT_MAINTENANCE_RULES.minNoticeMs / 1000),
    hedgeModels: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m !== ''),
      ),
    probeIntervalS: z.coerce.number().min(0).default(300),
    /** the status page's resolution: each gateway writes one traffic sample per model this often */
    trafficSampleS: z.coerce.number().min(0.1).max(3_600).default(60),
    probeBudget: amountSchema.default(1_000_000_000n),
    samplingFloor: z.coerce.number().min(0).max(1).default(0.02),
    verifierIntervalMs: z.coerce.number().int().min(0).default(1_000),
    /** routing: how far above its model's median format-failure rate a host may be before its weight is lowered */
    formatFailureMargin: z.coerce.number().min(0).max(1).default(DEFAULT_FORMAT_RULES.margin),
    formatFailureMinAnswers: z.coerce.number().int().min(1).default(DEFAULT_FORMAT_RULES.minAnswers),
    /** the weight factor of a host over the margin (the share of its first choices it keeps) */
    formatFailureWeight: z.coerce.number().min(0).max(1).default(DEFAULT_FORMAT_RULES.weight),
    logLevel: z.enum(['silent', 'info', 'warn', 'error']).default('warn'),
  })
  .refine((c) => c.priceBandLow < c.priceBandHigh, {
    message: 'the price band must have its low end below its high end',
    path: ['priceBandLow'],
  });

export type MarketConfig = z.infer<typeof marketConfigSchema>;

export function marketRulesFrom(config: MarketConfig): MarketRules {
  return {
    split: { takeRateBps: BigInt(config.takeRateBps), treasuryShareBps: BigInt(config.treasuryShareBps) },
    pricing: {
      band: { low: config.priceBandLow, high: config.priceBandHigh },
      maxStepBps: config.priceMaxStepBps,
      ceilingMultiple: config.priceCeilingMultiple,
      intervalMs: Math.round(config.priceIntervalS * 1000),
    },
    epochs: {
      ...DEFAULT_EPOCH_RULES,
      lengthMs: Math.round(
        config.epochSeconds !== undefined ? config.epochSeconds * 1000 : config.epochMinutes * 60_000,
      ),
      holdBackEpochs: config.holdBackEpochs,
    },
    bonds: {
      baseShareBps: config.bondBaseShareBps,
      fullShareBond: config.bondFullShare,
      convictionSlashBps: BigInt(config.convictionSlashBps),
      missSlashBps: BigInt(config.missSlashBps),
      missThresholdBps: BigInt(config.missThresholdBps),
      unbondingEpochs: config.unbondingEpochs,
    },
  };
}

export const governanceRulesFrom = (config: MarketConfig): GovernanceRules => ({
  votingDelayEpochs: config.govVotingDelayEpochs,
  votingPeriodEpochs: config.govVotingPeriodEpochs,
  quorumBps: config.govQuorumBps,
  timelockEpochs: config.govTimelockEpochs,
});

/** Environment variables that configure `agora start`; flags override them. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const pick: Array<[keyof MarketConfig, string]> = [
    ['port', 'AGORA_PORT'],
    ['host', 'AGORA_HOST'],
    ['dataDir', 'AGORA_DATA_DIR'],
    ['databaseUrl', 'DATABASE_URL'],
    ['modelCache', 'AGORA_MODEL_CACHE'],
    ['takeRateBps', 'AGORA_TAKE_RATE_BPS'],
    ['treasuryShareBps', 'AGORA_TREASURY_SHARE_BPS'],
    ['priceIntervalS', 'AGORA_PRICE_INTERVAL_S'],
    ['priceBandLow', 'AGORA_PRICE_BAND_LOW'],
    ['priceBandHigh', 'AGORA_PRICE_BAND_HIGH'],
    ['priceMaxStepBps', 'AGORA_PRICE_MAX_STEP_BPS'],
    ['priceCeilingMultiple', 'AGORA_PRICE_CEILING_MULTIPLE'],
    ['epochMinutes', 'AGORA_EPOCH_MINUTES'],
    ['epochSeconds', 'AGORA_EPOCH_SECONDS'],
    ['holdBackEpochs', 'AGORA_HOLD_BACK_EPOCHS'],
    ['govFounderUnits', 'AGORA_GOV_FOUNDER_UNITS'],
    ['govTreasuryUnits', 'AGORA_GOV_TREASURY_UNITS'],
    ['govVotingDelayEpochs', 'AGORA_GOV_VOTING_DELAY_EPOCHS'],
    ['govVotingPeriodEpochs', 'AGORA_GOV_VOTING_PERIOD_EPOCHS'],
    ['govQuorumBps', 'AGORA_GOV_QUORUM_BPS'],
    ['govTimelockEpochs', 'AGORA_GOV_TIMELOCK_EPOCHS'],
    ['bondBaseShareBps', 'AGORA_BOND_BASE_SHARE_BPS'],
    ['bondFullShare', 'AGORA_BOND_FULL_SHARE'],
    ['convictionSlashBps', 'AGORA_CONVICTION_SLASH_BPS'],
    ['missSlashBps', 'AGORA_MISS_SLASH_BPS'],
    ['missThresholdBps', 'AGORA_MISS_THRESHOLD_BPS'],
    ['unbondingEpochs', 'AGORA_UNBONDING_EPOCHS'],
    ['starterCredits', 'AGORA_STARTER_CREDITS'],
    ['demoCredits', 'AGORA_DEMO_CREDITS'],
    ['rateLimitRpm', 'AGORA_RATE_LIMIT_RPM'],
    ['rateLimitTpm', 'AGORA_RATE_LIMIT_TPM'],
    ['hosts', 'AGORA_HOSTS'],
    ['maintenanceNoticeS', 'AGORA_MAINTENANCE_NOTICE_S'],
    ['hostAdmission', 'AGORA_HOST_ADMISSION'],
    ['hedgeModels', 'AGORA_HEDGE_MODELS'],
    ['probeIntervalS', 'AGORA_PROBE_INTERVAL_S'],
    ['trafficSampleS', 'AGORA_TRAFFIC_SAMPLE_S'],
    ['probeBudget', 'AGORA_PROBE_BUDGET'],
    ['samplingFloor', 'AGORA_SAMPLING_FLOOR'],
    ['verifierIntervalMs', 'AGORA_VERIFIER_INTERVAL_MS'],
    ['formatFailureMargin', 'AGORA_FORMAT_FAILURE_MARGIN'],
    ['formatFailureMinAnswers', 'AGORA_FORMAT_FAILURE_MIN_ANSWERS'],
    ['formatFailureWeight', 'AGORA_FORMAT_FAILURE_WEIGHT'],
    ['logLevel', 'AGORA_LOG_LEVEL'],
  ];
  return Object.fromEntries(
    pick.filter(([, name]) => env[name] !== undefined && env[name] !== '').map(([field, name]) => [field, env[name]]),
  );
}
