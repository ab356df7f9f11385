// `agora validator`: re-scores sampled answers against the reference engine outside the gateway process.
import { Command, InvalidArgumentError } from 'commander';
import { runValidator } from '../../main/validator.ts';
import { MarketNotFound } from '../../main/offline-database.ts';
import { modelCacheDir } from '../../main/tiny-models.ts';
import { isDataDirInUse } from '../../adapters/sql/data-dir-lock.ts';
import { cliAction } from './cli-action.ts';

const interval = (value: string): number => {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 10)
    throw new InvalidArgumentError('the interval must be a whole number of milliseconds, at least 10');
  return ms;
};

export function validatorCommand(): Command {
  return new Command('validator')
    .description(
      "re-score the market's sampled answers on the reference engine (beside a PostgreSQL market, or on a stopped embedded one)",
    )
    .option(
      '--data-dir <dir>',
      'the market data directory (env AGORA_DATA_DIR)',
      process.env.AGORA_DATA_DIR ?? '.agora',
    )
    .option(
      '--database-url <url>',
      'a PostgreSQL market instead of the embedded database (env DATABASE_URL)',
      process.env.DATABASE_URL,
    )
    .option('--interval-ms <ms>', 'how often to look for new samples', interval, 1000)
    .option('--once', 're-score what is queued now, then exit')
    .action(
      cliAction(
        async (flags: { dataDir: string; databaseUrl?: string; intervalMs: number; once?: boolean }) => {
          const stopped = new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          let checks = 0;
          await runValidator(
            { dataDir: flags.dataDir, databaseUrl: flags.databaseUrl },
            {
              modelCacheDir: modelCacheDir(),
              intervalMs: flags.intervalMs,
              once: flags.once === true,
              stopped,
              onCheck: (event) => {
                checks++;
                const v = event.verdict;
                console.log(
                  `${event.hostId} ${event.modelId}: ${v.passed ? 'passed' : `FAILED (${v.reasons.join('; ')})`} mean TV ${v.meanTv.toExponential(2)} over ${v.positions} positions${event.conviction ? ` — CONVICTED, ${event.conviction.responsesRefunded} responses refunded` : ''}`,
                );
              },
            },
          );
          console.log(`Done: ${checks} check(s).`);
        },
        (error) => isDataDirInUse(error) || error instanceof MarketNotFound,
      ),
    );
}
