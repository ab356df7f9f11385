// `agora start`: run a market and print how to call it (start-banner.ts: the demo key and copy-paste examples).
import { DEFAULT_HEALTH_RULES } from '../../domain/status/availability.ts';
import { Command } from 'commander';
import { resolve } from 'node:path';
import { configFromEnv, governanceRulesFrom, marketConfigSchema, marketRulesFrom } from '../../contracts/config.ts';
import { startMarket } from '../../main/market.ts';
import { settlementIntervalFor } from '../../main/market-options.ts';
import { DEFAULT_MAINTENANCE_RULES } from '../../domain/hosts/maintenance.ts';
import { startBanner } from './start-banner.ts';

export function startCommand(): Command {
  return new Command('start')
    .description('start the market: gateway, embedded database and built-in hosts')
    .option('--port <port>', 'port to listen on (default 8080, env AGORA_PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--data-dir <dir>', 'embedded database and key files (default ./.agora)')
    .option('--database-url <url>', 'use this PostgreSQL server instead of the embedded database (env DATABASE_URL)')
    .option('--hosts <n>', 'built-in host agents to start beside the market, 0 for none (default 2, env AGORA_HOSTS)')
    .option(
      '--host-admission <mode>',
      "'open': hosts that pass the checks serve at once; 'approval': the operator approves each (default open, env AGORA_HOST_ADMISSION)",
    )
    .option(
      '--maintenance-notice-s <seconds>',
      'how long before its start a host must declare a maintenance window (default 300, env AGORA_MAINTENANCE_NOTICE_S)',
    )
    .option(
      '--hedge-models <ids>',
      'comma-separated models whose requests hedge by default, as with provider.hedge (env AGORA_HEDGE_MODELS)',
    )
    .option(
      '--traffic-sample-s <seconds>',
      'how often each gateway records a traffic sample per model for the status page (default 60, env AGORA_TRAFFIC_SAMPLE_S)',
    )
    .option(
      '--probe-interval-s <seconds>',
      'how often each host gets a capacity probe, on average, at random times; 0 for none (default 300, env AGORA_PROBE_INTERVAL_S)',
    )
    .option(
      '--probe-budget <amount>',
      "what the market's own probe account is granted per day for probes (default 1, env AGORA_PROBE_BUDGET)",
    )
    .option(
      '--sampling-floor <share>',
      "the least share of a reputable host's answers re-scored against the reference (default 0.02, env AGORA_SAMPLING_FLOOR)",
    )
    .option(
      '--verifier-interval-ms <ms>',
      'how often the in-process verifier re-scores sampled answers; 0 leaves them to `agora validator` (default 1000, env AGORA_VERIFIER_INTERVAL_MS)',
    )
    .option(
      '--take-rate-bps <bps>',
      "the market's take of every cost, in basis points (default 1000, env AGORA_TAKE_RATE_BPS)",
    )
    .option(
      '--treasury-share-bps <bps>',
      'the share of the take that goes to the treasury (default 5000: half, env AGORA_TREASURY_SHARE_BPS)',
    )
    .option(
      '--price-interval-s <seconds>',
      'how often demand reprices each model (default 60, env AGORA_PRICE_INTERVAL_S)',
    )
    .option('--epoch-minutes <minutes>', 'length of a settlement epoch (default 1440, env AGORA_EPOCH_MINUTES)')
    .option(
      '--epoch-seconds <seconds>',
      'development and sandbox only: epochs this many seconds long, so governance runs in accelerated time (env AGORA_EPOCH_SECONDS)',
    )
    .option(
      '--gov-founder-units <n>',
      "governance units issued to the operator's account when the market is created (default 1000000, env AGORA_GOV_FOUNDER_UNITS)",
    )
    .option(
      '--gov-treasury-units <n>',
      'governance units held by the treasury from the market’s creation (default 1000000, env AGORA_GOV_TREASURY_UNITS)',
    )
    .option(
      '--hold-back-epochs <n>',
      'epochs host earnings wait before they become payable (default 2, env AGORA_HOLD_BACK_EPOCHS)',
    )
    .option(
      '--format-failure-margin <share>',
      "routing lowers the weight of a host whose format-failure rate (broken tool calls, invalid JSON) exceeds its model's median by more than this (default 0.05, env AGORA_FORMAT_FAILURE_MARGIN)",
    )
    .option(
      '--format-failure-min-answers <n>',
      'judged answers a host needs before its format-failure rate counts (default 20, env AGORA_FORMAT_FAILURE_MIN_ANSWERS)',
    )
    .option(
      '--format-failure-weight <factor>',
      'the weight factor of such a host: the share of its first choices it keeps (default 0.1, env AGORA_FORMAT_FAILURE_WEIGHT)',
    )
    .option('--rate-limit-rpm <n>', 'default requests per minute per key (default 600, env AGORA_RATE_LIMIT_RPM)')
    .option('--rate-limit-tpm <n>', 'default tokens per minute per key (default 1000000, env AGORA_RATE_LIMIT_TPM)')
    .action(async (flags: Record<string, unknown>) => {
      const parsed = marketConfigSchema.safeParse({
        ...configFromEnv(process.env),
        ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
      });
      if (!parsed.success) {
        console.error(`agora start: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        process.exit(2);
      }
      const config = parsed.data;
      const rules = marketRulesFrom(config);
      console.log('Starting Agora (first start generates the built-in model and the database: a few seconds)…');
      const market = await startMarket({
        port: config.port,
        host: config.host,
        dataDir: config.dataDir,
        databaseUrl: config.databaseUrl,
        modelCacheDir: resolve(config.modelCache),
        builtinHosts: config.hosts,
        economics: rules,
        settlementIntervalMs: settlementIntervalFor(rules.epochs.lengthMs),
        starterCredits: config.starterCredits,
        governance: {
          rules: governanceRulesFrom(config),
          genesis: { founderUnits: config.govFounderUnits, treasuryUnits: config.govTreasuryUnits },
        },
        demoCredits: config.demoCredits,
        leaseChunkNanos: config.leaseChunk,
        rateLimits: { requestsPerMinute: config.rateLimitRpm, tokensPerMinute: config.rateLimitTpm },
        hostAdmission: config.hostAdmission,
        maintenanceRules: { ...DEFAULT_MAINTENANCE_RULES, minNoticeMs: config.maintenanceNoticeS * 1000 },
        hedgedModels: config.hedgeModels,
        capacityProbes: { intervalMs: config.probeIntervalS * 1000, budgetPerDay: config.probeBudget },
        verification: { samplingFloor: config.samplingFloor, workerIntervalMs: config.verifierIntervalMs },
        trafficSampleMs: config.trafficSampleS * 1000,
        health: DEFAULT_HEALTH_RULES,
        formatRules: {
          margin: config.formatFailureMargin,
          minAnswers: config.formatFailureMinAnswers,
          weight: config.formatFailureWeight,
        },
        logLevel: config.logLevel,
      });
      const shutdown = async () => {
        console.log('\nStopping…');
        await market.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
      console.log(startBanner({ ...market, hostUrls: market.hosts.map((h) => h.url), dataDir: config.dataDir }));
      // Governed rules are genesis values: once the market exists, a flag that differs no longer changes them.
      for (const o of market.governance.registry.overriddenGenesis)
        console.log(
          `${o.name}: the configured ${o.configured} no longer applies; the market runs by ${o.current}, set by governance (GET /v1/governance/parameters)`,
        );
    });
}
