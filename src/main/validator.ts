// `agora validator`: the verifier as a process of its own, beside the gateways of a PostgreSQL market (or on a
// stopped embedded one): it takes sampled answers off the shared queue, re-scores them on its reference engine and
// records checks, convictions and refunds — the same code as the in-process worker.
import pino from 'pino';
import { createKyselyVerificationStore } from '../adapters/sql/kysely-verification-store.ts';
import type { CheckEvent } from '../app/verification/verifier.ts';
import { withDatabase, type MarketData } from './offline-database.ts';
import { startVerifier } from './verification.ts';
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
    const verifier = startVerifier(
      {
        store: createKyselyVerificationStore(database.db),
        modelCacheDir: options.modelCacheDir,
        logger: pino({ level: 'warn' }),
        convictionSlashBps: DEFAULT_BOND_RULES.convictionSlashBps,
        onCheck: options.onCheck,
      },
      options.intervalMs,
    );
    try {
      await verifier.drain();
      if (!options.once) await options.stopped;
    } finally {
      await verifier.stop();
    }
  });
}
