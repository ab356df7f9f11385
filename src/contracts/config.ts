// The market's configuration: environment variables (AGORA_*, DATABASE_URL) under command-line flags, validated
// once at start. Amounts are decimal strings in the market's currency.
import { z } from 'zod';
import { DEFAULT_MAINTENANCE_RULES } from '../domain/hosts/maintenance.ts';
import { amountSchema } from './amount.ts';

export const marketConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('.agora'),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL').optional(),
  modelCache: z.string().min(1).default('.cache/models'),
  takeRateBps: z.coerce.number().int().min(0).max(10_000).default(1_000),
  starterCredits: amountSchema.default(0n),
  demoCredits: amountSchema.default(10_000_000_000n),
  leaseChunk: amountSchema.default(1_000_000_000n),
  rateLimitRpm: z.coerce.number().int().min(1).default(600),
  rateLimitTpm: z.coerce.number().int().min(1).default(1_000_000),
  hosts: z.coerce.number().int().min(0).max(16).default(2),
  hostAdmission: z.enum(['open', 'approval']).default('open'),
  maintenanceNoticeS: z.coerce.number().int().min(0).default(DEFAULT_MAINTENANCE_RULES.minNoticeMs / 1000),
  hedgeModels: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((m) => m.trim()).filter((m) => m !== '')),
  probeIntervalS: z.coerce.number().min(0).default(300),
  probeBudget: amountSchema.default(1_000_000_000n),
  samplingFloor: z.coerce.number().min(0).max(1).default(0.02),
  verifierIntervalMs: z.coerce.number().int().min(0).default(1_000),
  logLevel: z.enum(['silent', 'info', 'warn', 'error']).default('warn'),
});

export type MarketConfig = z.infer<typeof marketConfigSchema>;

/** Environment variables that configure `agora start`; flags override them. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const pick: Array<[keyof MarketConfig, string]> = [
    ['port', 'AGORA_PORT'],
    ['host', 'AGORA_HOST'],
    ['dataDir', 'AGORA_DATA_DIR'],
    ['databaseUrl', 'DATABASE_URL'],
    ['modelCache', 'AGORA_MODEL_CACHE'],
    ['takeRateBps', 'AGORA_TAKE_RATE_BPS'],
    ['starterCredits', 'AGORA_STARTER_CREDITS'],
    ['demoCredits', 'AGORA_DEMO_CREDITS'],
    ['rateLimitRpm', 'AGORA_RATE_LIMIT_RPM'],
    ['rateLimitTpm', 'AGORA_RATE_LIMIT_TPM'],
    ['hosts', 'AGORA_HOSTS'],
    ['maintenanceNoticeS', 'AGORA_MAINTENANCE_NOTICE_S'],
    ['hostAdmission', 'AGORA_HOST_ADMISSION'],
    ['hedgeModels', 'AGORA_HEDGE_MODELS'],
    ['probeIntervalS', 'AGORA_PROBE_INTERVAL_S'],
    ['probeBudget', 'AGORA_PROBE_BUDGET'],
    ['samplingFloor', 'AGORA_SAMPLING_FLOOR'],
    ['verifierIntervalMs', 'AGORA_VERIFIER_INTERVAL_MS'],
    ['logLevel', 'AGORA_LOG_LEVEL'],
  ];
  return Object.fromEntries(pick.filter(([, name]) => env[name] !== undefined && env[name] !== '').map(([field, name]) => [field, env[name]]));
}
