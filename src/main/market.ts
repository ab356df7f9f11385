// `agora start`: the composition root of a market. Opens the database (PGlite in the data directory, or
// PostgreSQL from a URL), starts the built-in host agents, wires the paid path and serves the HTTP API.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { AccountAdminDeps } from '../app/admin/account-admin.ts';
import { createKeyAuthenticator } from '../app/auth/key-authenticator.ts';
import { createBillingBatcher } from '../app/billing/billing-batcher.ts';
import { createSpendBudget } from '../app/billing/spend-budget.ts';
import { createKeyRateLimiter } from '../app/limits/key-rate-limiter.ts';
import type { BillingWriter, Job } from '../app/ports.ts';
import { createHostRouter } from '../app/v1/host-router.ts';
import { createFormatQuality } from '../app/v1/format-quality.ts';
import { DEFAULT_FORMAT_RULES } from '../domain/formats/format-scorecard.ts';
import { createPromptCacheBook } from '../app/v1/prompt-cache-book.ts';
import { createAdmissionQueue } from '../app/v1/admission-queue.ts';
import { createMarketCatalog } from '../app/v1/market-catalog.ts';
import { createOpenAiEngineClient } from '../adapters/engines/openai-engine-client.ts';
import { buildMarketServer } from '../adapters/http/market/build-market-server.ts';
import { createMarketMetrics } from '../adapters/observability/market-metrics.ts';
import { lockDataDir } from '../adapters/sql/data-dir-lock.ts';
import { createKyselyBillingStore } from '../adapters/sql/kysely-billing-store.ts';
import { createKyselyKeyStore } from '../adapters/sql/kysely-key-store.ts';
import { createKyselyMarketStore, type MarketStores } from '../adapters/sql/kysely-market-store.ts';
import { openDatabase } from '../adapters/sql/open-database.ts';
import { cryptoIds, systemClock, userCacheDir } from './system-ports.ts';
import { startBuiltinHosts } from './builtin-hosts.ts';
import { createTokenizerCache, loadCatalog } from './catalog-loading.ts';
import { createKyselyModelVersionStore } from '../adapters/sql/kysely-model-version-store.ts';
import { fileDigest, loadTokenizerDir, placeTokenizerFiles } from '../adapters/tokenizers/launched-tokenizers.ts';
import type { ModelLaunchDeps } from '../app/models/model-launch.ts';
import { HOST_HEARTBEAT_MS } from '../domain/hosts/liveness.ts';

import { ensureDemoAccount, ensureOperatorKey } from './market-accounts.ts';
import { ensureBuiltinModel } from './builtin-model.ts';
import { recordMarketUrl } from './market-url-file.ts';
import { createCapacityProbing } from './capacity-probing.ts';
import { createKyselyProfileStore } from '../adapters/sql/kysely-profile-store.ts';
import { installShippedProfiles } from './verification-profile-files.ts';
import type { ServeCompletionDeps } from '../app/v1/serve-completion.ts';
import type { RunningHostAgent } from './host-agent.ts';
import type { HostRegistryDeps } from '../app/hosts/host-registry.ts';
import { hashApiKey } from '../domain/keys/api-key.ts';
import { hostIdFor, verifyHostSignature } from '../adapters/keys/host-identity.ts';
import type { VerificationStore } from '../app/verification/verification-store.ts';
import { createKyselyVerificationStore } from '../adapters/sql/kysely-verification-store.ts';
import { createVerificationCostMeter } from '../app/verification/verification-cost.ts';
import { createSampler, createVerifier, isBuiltinModel, launchedReferences } from './verification.ts';
import { createTimerScheduler } from '../adapters/time/timer-scheduler.ts';
import { createKyselyPricingStore } from '../adapters/sql/kysely-pricing-store.ts';
import { createKyselyEconomicsStore } from '../adapters/sql/kysely-economics-store.ts';
import { createDemandPricing } from '../app/pricing/demand-pricing.ts';
import { settleEpochs } from '../app/economics/settlement.ts';
import { manualPaymentProvider, manualPayoutProvider } from '../app/economics/funds.ts';
import type { EconomicsStore } from '../app/economics/economics-store.ts';
import { SESSION_TTL_MS } from '../app/auth/console-sessions.ts';
import { createTrafficRecorder } from '../app/status/traffic-recorder.ts';
import { createKyselySessionStore } from '../adapters/sql/kysely-session-store.ts';
import { createKyselyResponseStore } from '../adapters/sql/kysely-response-store.ts';
import { createKyselyStatusStore } from '../adapters/sql/kysely-status-store.ts';

import { marketDatabase, type MarketOptions } from './market-options.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import { startMarketGovernance, type MarketGovernance } from './market-governance.ts';

/** How often the published verification profiles are re-read (an installed calibration shows within this). */
const PROFILE_REFRESH_MS = 10_000;

export type { MarketOptions };

/** The console's bundle, built by `npm run build:console` (npm ci runs it). */
export const CONSOLE_BUNDLE_DIR = join(PACKAGE_ROOT, 'dist', 'console');

export type RunningMarket = {
  url: string;
  operatorKey: string;
  demoKey: string;
  /** true when this start created the operator key (it is printed once) */
  operatorKeyIsNew: boolean;
  store: MarketStores;
  /** the built-in host agents this start runs */
  hosts: RunningHostAgent[];
  /** every route with the callers it declares (the auth-matrix test walks them) */
  routes: Array<{ method: string; url: string; auth: string }>;
  /** writes every queued capture now (tests, shutdown) */
  flushBilling(): Promise<void>;
  /** re-scores every queued sample now; undefined when this process runs no verifier */
  verifyNow: (() => Promise<void>) | undefined;
  verification: VerificationStore;
  economics: EconomicsStore;
  governance: MarketGovernance;
  close(): Promise<void>;
};

export async function startMarket(options: MarketOptions): Promise<RunningMarket> {
  const dataDir = resolve(options.dataDir);
  const clock = options.time?.clock ?? systemClock;
  const random = options.time?.random ?? Math.random;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const unlock = options.databaseUrl ? () => undefined : lockDataDir(dataDir);
  const cleanups: Array<() => Promise<void> | void> = [unlock];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const logOptions = { level: options.logLevel, redact: ['req.headers.authorization'] };
    const logger = options.logDestination ? pino(logOptions, options.logDestination) : pino(logOptions);
    const database = await openDatabase(marketDatabase(options, dataDir, userCacheDir()));
    cleanups.push(() => database.close());
    const store = createKyselyMarketStore(database.db);
    const billingStore = createKyselyBillingStore(database.db);
    // The gauges read the router and the catalog (made below) at scrape time, once the server listens.
    const modelHealth = () =>
      catalog.list().map((m) => ({
        id: m.id,
        hostsOnline: router.onlineRoutes(m.routes).length,
        promptNanos: m.promptPrice,
        completionNanos: m.completionPrice,
        capabilities: m.capabilities,
      }));
    const formats = createFormatQuality(options.formatRules ?? DEFAULT_FORMAT_RULES);
    const verificationCost = createVerificationCostMeter();
    const metrics = createMarketMetrics({
      hostStates: () => router.hostStates(),
      models: modelHealth,
      formatStates: () => formats.states(),
      verificationCosts: () => verificationCost.costs(),
    });
    const scheduler =
      options.time?.scheduler ??
      createTimerScheduler((name, error) => logger.warn({ err: String(error) }, `${name} failed`));
    cleanups.push(() => scheduler.stop());

    await ensureBuiltinModel(store, options.modelCacheDir);
    const modelVersions = createKyselyModelVersionStore(database.db);
    const tokenizerOf = createTokenizerCache(modelVersions);
    const governance = await startMarketGovernance(database.db, logger, options);
    // Every governed rule is read through the registry: an executed proposal applies at the next read.
    const live = governance.registry.live;
    const rules = live.market;
    const catalog = createMarketCatalog(await loadCatalog(store, tokenizerOf, clock, rules.pricing.ceilingMultiple));
    const reloadCatalog = async () =>
      catalog.replace(await loadCatalog(store, tokenizerOf, clock, rules.pricing.ceilingMultiple));

    const authenticator = createKeyAuthenticator({ keys: createKyselyKeyStore(database.db), clock });
    const timedWriter: BillingWriter = {
      async write(operations) {
        const end = metrics.billingBatchSeconds.startTimer();
        try {
          await billingStore.write(operations);
        } finally {
          end();
        }
      },
    };
    const batcher = createBillingBatcher(
      {
        writer: options.wrapBillingWriter?.(timedWriter) ?? timedWriter,
        logger,
        clock,
        defer: (task, ms) => void scheduler.after(ms, task),
        observer: {
          durable: (operation, waitedMs) =>
            operation.type === 'capture' ? metrics.captureWaitSeconds.observe(waitedMs / 1000) : undefined,
          abandoned: (operation) => metrics.billingAbandoned.inc({ operation: operation.type }),
        },
      },
      {
        maxBatch: 256,
        idleWindowMs: 5,
        maxRestMs: 20,
        retryBaseMs: 10,
        retryMaxMs: 1_000,
        giveUpAfterMs: options.billingGiveUpMs ?? 10_000,
      },
    );
    const budget = createSpendBudget(
      { leases: billingStore, batcher, clock, ids: cryptoIds },
      { instanceId: cryptoIds.newId('gw'), leaseChunkNanos: options.leaseChunkNanos, leaseTtlMs: 60_000 },
    );
    // A data directory has one owner, so at start every embedded lease is a dead process's (a kill -9): return
    // them now rather than locking its keys' budgets until they expire. A shared server waits for expiry.
    await (database.kind === 'pglite' ? billingStore.reclaimAll() : billingStore.reclaimExpired(clock.nowMs()));
    const admin: AccountAdminDeps = { store, ids: cryptoIds, revoked: (keyId) => authenticator.forget(keyId) };
    const operator = await ensureOperatorKey(admin, join(dataDir, 'operator.key'));
    const demoKey = await ensureDemoAccount(admin, store, join(dataDir, 'demo.key'), options.demoCredits);

    const router = createHostRouter({
      clock,
      random,
      heartbeatIntervalMs: HOST_HEARTBEAT_MS,
      bonds: rules.bonds,
      onAttempt: metrics.hostAttempt,
      formatFactors: (modelId) => formats.factors(modelId),
    });
    const pricing = createKyselyPricingStore(database.db);
    const economics = createKyselyEconomicsStore(database.db);
    const onlineAsks = (modelId: string) => router.onlineRoutes(catalog.get(modelId)?.routes ?? []).map((r) => r.ask);
    const demandPricing = createDemandPricing(
      { store: pricing, catalog, clock, takeBusyTime: () => router.takeBusyTime(), onlineAsks },
      rules.pricing,
    );
    const reprice = async () => {
      if ((await demandPricing.tick()).length > 0) await reloadCatalog();
    };
    const settle = async () => {
      const end = metrics.settlementSeconds.startTimer();
      try {
        await settleEpochs({ store: economics, clock }, rules);
      } finally {
        end();
      }
      await governance.boundary();
    };
    const strikes = new Map<string, number>();
    const recordTallies = async () => {
      const tallies = { misses: router.takeMisses(), strikes: new Map(strikes), formats: formats.takeTallies() };
      strikes.clear();
      if (tallies.misses.size + tallies.strikes.size + tallies.formats.length > 0)
        await store.recordHostTallies(tallies);
    };
    const statusStore = createKyselyStatusStore(database.db);
    const traffic = createTrafficRecorder({
      store: statusStore,
      clock,
      instanceId: cryptoIds.newId('gw'),
      models: modelHealth,
    });
    const engines = createOpenAiEngineClient();
    const verification = createKyselyVerificationStore(database.db);
    const profiles = createKyselyProfileStore(database.db);
    await installShippedProfiles(profiles);
    // What /v1/models/{id} publishes, re-read on a schedule (a public route reads no database).
    let publishedProfiles = await profiles.listProfiles();
    const refreshProfiles = async () => void (publishedProfiles = await profiles.listProfiles());
    let url = '';
    const registry: HostRegistryDeps = {
      store,
      catalog,
      engines,
      clock,
      ids: cryptoIds,
      verifySignature: verifyHostSignature,
      hostIdFor,
      hashToken: hashApiKey,
      reloadCatalog,
      admission: options.hostAdmission,
      profiles,
    };
    const serve: ServeCompletionDeps = {
      catalog,
      router,
      budget,
      rateLimiter: createKeyRateLimiter(clock, live.rateLimits),
      engines,
      clock,
      logger,
      metrics: {
        completed(observation) {
          metrics.completions.completed(observation);
          traffic.observe(observation);
        },
      },
      split: rules.split,
      verifySignature: verifyHostSignature,
      hedgedModels: new Set(options.hedgedModels),
      strikes: { add: (hostId) => void strikes.set(hostId, (strikes.get(hostId) ?? 0) + 1) },
      sampler: await createSampler(
        store,
        verification,
        live,
        logger,
        (modelId) => {
          const model = catalog.get(modelId);
          return model?.launch ? model.launch.manifest.reference !== undefined : isBuiltinModel(modelId);
        },
        verificationCost,
      ),
      formats: {
        record(modelId, hostId, outcome) {
          formats.record(modelId, hostId, outcome);
          metrics.formatAnswer(modelId, hostId, outcome);
        },
      },
      admission: createAdmissionQueue({ clock, scheduler, metrics: metrics.admission }),
      scheduler,
      promptCache: createPromptCacheBook(clock),
    };
    const models: ModelLaunchDeps = {
      store: modelVersions,
      catalog,
      onlineRoutes: (routes) => router.onlineRoutes(routes),
      engines,
      ids: cryptoIds,
      clock,
      tokenizers: {
        place: (files) => placeTokenizerFiles(join(options.modelCacheDir, 'tokenizers'), files),
        load: loadTokenizerDir,
      },
      fileDigest,
      reloadCatalog,
    };
    const hostByTokenHash = async (hash: string) => (await store.findHostByTokenHash(hash))?.id;
    const { app, routes } = buildMarketServer({
      authenticator,
      hostByTokenHash,
      hosts: {
        registry,
        maintenance: {
          store,
          clock,
          ids: cryptoIds,
          rules: options.maintenanceRules,
          reloadCatalog,
          heartbeatIntervalMs: HOST_HEARTBEAT_MS,
        },
        store,
        clock,
        heartbeatIntervalMs: HOST_HEARTBEAT_MS,
      },
      metrics,
      logger,
      v1: {
        serve,
        admin,
        store,
        get starterCredits() {
          return live.starterCredits;
        },
        verificationProfiles: (modelId) => publishedProfiles.filter((p) => p.modelId === modelId),
      },
      responses: { serve, store: createKyselyResponseStore(database.db), clock },
      admin: {
        admin,
        store,
        reloadCatalog,
        registry,
        hostStates: () => router.hostStates(),
        clock,
        heartbeatIntervalMs: HOST_HEARTBEAT_MS,
        models,
      },
      console: {
        sessions: {
          sessions: createKyselySessionStore(database.db),
          authenticator,
          hostByTokenHash,
          clock,
          ids: cryptoIds,
          ttlMs: SESSION_TTL_MS,
        },
        bundleDir: CONSOLE_BUNDLE_DIR,
      },
      status: {
        report: { store: statusStore, clock, rules: options.health, models: modelHealth },
        incidents: {
          store: statusStore,
          clock,
          ids: cryptoIds,
          rules: options.health,
          knownModels: () => catalog.list().map((m) => m.id),
        },
        sampleSpanMs: options.trafficSampleMs,
      },
      trust: { store: verification, ids: cryptoIds },
      verification: { costs: () => verificationCost.costs(), profiles, installed: refreshProfiles },
      pricing: {
        store: pricing,
        rules: rules.pricing,
        reloadCatalog,
        hostAsks(modelId) {
          const routes = catalog.get(modelId)?.routes ?? [];
          const online = new Set(router.onlineRoutes(routes));
          return routes.map((r) => ({ hostId: r.host.id, name: r.host.name, ask: r.ask, online: online.has(r) }));
        },
      },
      economics: {
        funds: {
          store: economics,
          ids: cryptoIds,
          payments: manualPaymentProvider,
          payouts: manualPayoutProvider,
          bonds: rules.bonds,
        },
        clock,
        rules,
      },
      governance: { store: governance.store, registry: governance.registry },
      system: {
        ready: () => store.getSetting('readiness-probe').then(() => true),
        serverUrl: () => url,
      },
    });
    url = await app.listen({ port: options.port, host: options.host });
    cleanups.push(await recordMarketUrl(dataDir, url));
    // Shutdown order: stop taking requests, let in-flight ones settle, return leases, write the last batch.
    cleanups.push(async () => {
      await recordTallies();
      await traffic.flush();
      await batcher.flush();
      await engines.close();
    });
    cleanups.push(async () => {
      await app.close();
      budget.releaseAll();
    });
    const verifier =
      options.verification.workerIntervalMs > 0
        ? createVerifier({
            store: verification,
            modelCacheDir: options.modelCacheDir,
            logger,
            get convictionSlashBps() {
              return rules.bonds.convictionSlashBps;
            },
            launchedReference: launchedReferences(modelVersions),
            profiles,
            profile: options.verification.profile,
            // A convicted host leaves the routes at once, not at the next reload.
            onCheck: (event) => {
              if (event.counted) metrics.verificationCheck(event.modelId, event.verdict.passed);
              if (event.conviction)
                void reloadCatalog().catch((err: unknown) =>
                  logger.warn({ err: String(err) }, 'catalog reload failed'),
                );
              options.onVerificationCheck?.(event);
            },
          })
        : undefined;
    if (verifier) cleanups.push(() => verifier.close());
    const probing =
      options.capacityProbes.intervalMs > 0
        ? await createCapacityProbing(
            { admin, store, catalog, serve, logger, clock, random, profiles },
            options.capacityProbes,
          )
        : undefined;
    // Every background job of this instance, in one place; the scheduler stops them all at shutdown.
    const jobs: ReadonlyArray<readonly [name: string, intervalMs: number | (() => number), job: Job]> = [
      ['key refresh', 500, () => authenticator.refresh()],
      ['verification profiles', PROFILE_REFRESH_MS, refreshProfiles],
      // Hosts' heartbeats land in the database (from any instance): re-read the routes to see who is alive.
      ['catalog reload', HOST_HEARTBEAT_MS, reloadCatalog],
      // Another instance (or its boundary step) may have executed a proposal.
      ['parameter reload', HOST_HEARTBEAT_MS, () => governance.registry.reload()],
      ['lease maintenance', 15_000, () => budget.maintain()],
      ['lease reclaim', 30_000, () => billingStore.reclaimExpired(clock.nowMs())],
      ['repricing', Math.min(1_000, rules.pricing.intervalMs), reprice],
      // Failures outside maintenance windows, false usage claims and format outcomes go on the hosts' scorecards, a few
      // times a minute.
      ['recording host misses, strikes and formats', 5_000, recordTallies],
      ['traffic sample', options.trafficSampleMs, () => traffic.flush()],
      ...(options.settlementIntervalMs > 0
        ? [['epoch settlement', options.settlementIntervalMs, settle] as const]
        : []),
      ...(verifier ? [['verification', options.verification.workerIntervalMs, verifier.drain] as const] : []),
      ...(probing ? [['capacity probe', () => probing.nextDelayMs(), () => probing.probe()] as const] : []),
    ];
    for (const [name, intervalMs, job] of jobs) scheduler.every(name, intervalMs, job);
    // Shutdown stops the jobs first: no verification pass on a closed reference engine, no probe after the leases
    // were given back and the last billing flush (the scheduler itself stops last, its retries still needed).
    cleanups.push(() => scheduler.stopJobs());
    const builtinHosts = await startBuiltinHosts(options.builtinHosts, url, dataDir, options.modelCacheDir, logger);
    cleanups.push(() => Promise.all(builtinHosts.map((h) => h.close())).then(() => undefined));
    logger.info({ url, database: database.kind, hosts: builtinHosts.length }, 'market started');
    return {
      url,
      operatorKey: operator.key,
      operatorKeyIsNew: operator.isNew,
      demoKey,
      store,
      hosts: builtinHosts,
      routes,
      flushBilling: () => batcher.flush(),
      verifyNow: verifier?.drain,
      verification,
      economics,
      governance,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
