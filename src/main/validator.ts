// `agora validator`: the verifier as a process of its own, beside the gateways of a PostgreSQL market (or on a
// stopped embedded one): it takes sampled answers off the shared queue, re-scores them on its reference engine and
// records checks, convictions and refunds — the same code as the in-process worker.
import pino from 'pino';
import { createKyselyVerificationStore } from '../adapters/sql/kysely-verification-store.ts';
import type { CheckEvent } from '../app/verification/verifier.ts';
import { withDatabase, type MarketData } from './offline-database.ts';
import { createVerifier, launchedReferences } from './verification.ts';
import { createKyselyProfileStore } from '../adapters/sql/kysely-profile-store.ts';
import { createKyselyModelVersionStore } from '../adapters/sql/kysely-model-version-store.ts';
import { createTimerScheduler } from '../adapters/time/timer-scheduler.ts';
import { DEFAULT_BOND_RULES } from '../domain/economics/bonds.ts';

export type ValidatorOptions = {
  modelCacheDir: string;
  intervalMs: number;
  /** re-score what is queued, then exit */
  once: boolean;
  onCheck(event: CheckEvent): void;
  /** resolves when a long-running validator should stop (a signal) */
  stopped: Promise<void>;
};

export function runValidator(data: MarketData, options: ValidatorOptions): Promise<void> {
  return withDatabase(data, async (database) => {
    const logger = pino({ level: 'warn' });
    const verifier = createVerifier({
      store: createKyselyVerificationStore(database.db),
      modelCacheDir: options.modelCacheDir,
      logger,
      convictionSlashBps: DEFAULT_BOND_RULES.convictionSlashBps,
      launchedReference: launchedReferences(createKyselyModelVersionStore(database.db)),
      profiles: createKyselyProfileStore(database.db),
      onCheck: options.onCheck,
    });
    const scheduler = createTimerScheduler((name, error) => logger.error({ err: String(error) }, `${name} failed`));
    scheduler.every('verification', options.intervalMs, verifier.drain);
    try {
      await verifier.drain();
      if (!options.once) await options.stopped;
    } finally {
      await scheduler.stop();
      await verifier.close();
    }
  });
}
