// `agora backup`, `agora restore`, `agora ledger check` and `agora admin reset-key`: work on a stopped market's data, chosen like
// `agora start` chooses it (--data-dir for the embedded database, --database-url / DATABASE_URL for PostgreSQL).
import { Command } from 'commander';
import {
  backupMarket,
  checkLedgerOffline,
  MarketNotFound,
  resetOperatorKeyOffline,
  restoreMarket,
  RestoreRefused,
  type MarketData,
} from '../../main/offline-database.ts';
import { formatNanos } from '../../domain/money/nanos.ts';
import { isDataDirInUse } from '../../adapters/sql/data-dir-lock.ts';
import { cliAction } from './cli-action.ts';

type DataFlags = { dataDir: string; databaseUrl?: string };

function withMarketData(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'the market data directory (env AGORA_DATA_DIR)',
      process.env.AGORA_DATA_DIR ?? '.agora',
    )
    .option(
      '--database-url <url>',
      'a PostgreSQL market instead of the embedded database (env DATABASE_URL)',
      process.env.DATABASE_URL,
    );
}

const marketData = (flags: DataFlags): MarketData => ({ dataDir: flags.dataDir, databaseUrl: flags.databaseUrl });

/** The refusals of offline work: no market there, a market running on the data, a wrong or damaged backup, a database in use. */
const isOfflineRefusal = (error: unknown): boolean =>
  error instanceof RestoreRefused || error instanceof MarketNotFound || isDataDirInUse(error);

const offlineAction = <Args extends unknown[]>(
  run: (flags: DataFlags & Record<string, string>, ...args: Args) => Promise<void>,
) => cliAction(run, isOfflineRefusal);

const progress = (table: string, rows: number) => console.error(`  ${table}: ${rows} rows`);

export function backupCommand(): Command {
  return withMarketData(
    new Command('backup').description('write a backup of a stopped market (the whole database and its key files)'),
  )
    .requiredOption('--out <file>', 'backup file to write (gzip JSON lines, mode 0600: it holds the operator key)')
    .action(
      offlineAction(async (flags) => {
        const done = await backupMarket(marketData(flags), flags.out!, progress);
        console.log(`Backup written: ${done.path} (${done.rows} rows)`);
      }),
    );
}

export function restoreCommand(): Command {
  return withMarketData(
    new Command('restore').description('restore a backup into a new data directory or an empty PostgreSQL database'),
  )
    .requiredOption('--from <file>', 'backup file written by `agora backup`')
    .action(
      offlineAction(async (flags) => {
        const done = await restoreMarket(marketData(flags), flags.from!, progress);
        console.log(
          `Restored ${done.rows} rows; every ledger balance replays from its entries. Start the market with the same --data-dir / --database-url.`,
        );
      }),
    );
}

export function adminCommand(): Command {
  const admin = new Command('admin').description('offline operator tasks (the market must be stopped)');
  withMarketData(admin.command('reset-key').description('replace the operator key; the old one stops working')).action(
    offlineAction(async (flags) => {
      const reset = await resetOperatorKeyOffline(marketData(flags));
      console.log(`New operator key (also in ${reset.path}): ${reset.key}`);
    }),
  );
  return admin;
}

export function ledgerCommand(): Command {
  const ledger = new Command('ledger').description("the market's ledger");
  withMarketData(
    ledger
      .command('check')
      .description(
        'reconcile a stopped market: balances equal their entries, transactions balance, epoch reports equal the ledger (a running one: GET /admin/ledger/check)',
      ),
  ).action(
    offlineAction(async (flags) => {
      const check = await checkLedgerOffline(marketData(flags));
      const problems = [
        ...check.driftedAccounts.map(
          (d) =>
            `account ${d.account}: balance ${formatNanos(d.balance)}, its entries sum to ${formatNanos(d.entries)}`,
        ),
        ...(check.sum === 0n ? [] : [`all entries sum to ${formatNanos(check.sum)}, not 0`]),
        ...check.negativeAccounts.map((a) => `account ${a} is negative`),
        ...check.unbalancedTransactions.map((t) => `transaction ${t} does not sum to 0`),
        ...check.epochMismatches.map(
          (m) => `epoch ${m.epoch} ${m.field}: the report says ${m.report}, the ledger ${m.ledger}`,
        ),
      ];
      console.log(
        `Checked ${check.accountsChecked} accounts, ${check.transactionsChecked} transactions and ${check.epochsChecked} closed epochs.`,
      );
      for (const problem of problems) console.log(`  MISMATCH ${problem}`);
      console.log(
        problems.length === 0
          ? 'Ledger OK: every balance equals its entries, every transaction and epoch report reconciles.'
          : `${problems.length} problem(s) found.`,
      );
      if (problems.length > 0) process.exitCode = 1;
    }),
  );
  return ledger;
}
