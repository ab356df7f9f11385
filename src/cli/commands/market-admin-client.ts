// The operator's CLI talks to a running market through its admin API — never by opening the database of a
// running market. Where the market is and which key to use come from flags, then the environment, then the
// data directory's market.url and operator.key files.
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readSecretFile } from '../../adapters/keys/secret-files.ts';
import { locateMarket, type MarketLocation } from '../../main/market-url-file.ts';
import { MarketApiError } from '../../sdk/market-api-error.ts';
import { createMarketClient, type MarketClient } from '../../sdk/market-client.ts';
import { cliAction, CliError } from './cli-action.ts';

export type AdminTarget = { market?: string; operatorKey?: string; dataDir: string; json?: boolean };

/** Where `agora start` listens unless told otherwise. */
export const DEFAULT_MARKET_URL = 'http://127.0.0.1:8080';

const MARKET_FLAG_HELP = `the running market (env AGORA_MARKET_URL; default: the address \`agora start\` left in <data-dir>/market.url, else ${DEFAULT_MARKET_URL})`;

/** Adds the flags every admin command shares. */
export function withAdminTarget(command: Command): Command {
  return command
    .option('--market <url>', MARKET_FLAG_HELP, process.env.AGORA_MARKET_URL)
    .option(
      '--operator-key <key>',
      'operator key (env AGORA_OPERATOR_KEY; default: <data-dir>/operator.key)',
      process.env.AGORA_OPERATOR_KEY,
    )
    .option(
      '--data-dir <dir>',
      'where the operator key file is (env AGORA_DATA_DIR)',
      process.env.AGORA_DATA_DIR ?? '.agora',
    )
    .option('--json', 'print the raw JSON answer');
}

async function operatorKey(target: AdminTarget): Promise<string> {
  const key = target.operatorKey ?? (await readSecretFile(join(resolve(target.dataDir), 'operator.key')));
  if (!key)
    throw new CliError(
      `no operator key: pass --operator-key, set AGORA_OPERATOR_KEY, or point --data-dir at the market's data directory`,
    );
  return key;
}

/**
 * Calls a running market through the SDK with a bearer token; a refusal or an unreachable market is a CliError.
 * @example await callMarket(market, token, (client) => client.hosts.me())
 */
export async function callMarket<T>(
  market: MarketLocation,
  token: string,
  call: (client: MarketClient) => Promise<T>,
): Promise<T> {
  try {
    return await call(createMarketClient({ baseUrl: market.url, token }));
  } catch (error) {
    if (error instanceof MarketApiError) throw new CliError(`${error.status}: ${error.message}`);
    if (!(error instanceof TypeError)) throw error;
    // fetch() itself failed: nothing answers at that address.
    const why = error.cause instanceof Error ? error.cause.message : String(error);
    // A market.url left by a market that was killed names an address nothing answers any more.
    if (market.file)
      throw new CliError(
        `no market running at ${market.url} (from ${market.file}: ${why}); start it with \`agora start\`, or pass --market`,
      );
    throw new CliError(`cannot reach the market at ${market.url} (${why}); is \`agora start\` running?`);
  }
}

/** Calls the admin API of the market the flags name, with the operator key. */
export async function callAdmin<T>(
  target: AdminTarget,
  call: (admin: MarketClient['admin']) => Promise<T>,
): Promise<T> {
  return callMarket(
    await locateMarket(target.market, target.dataDir, DEFAULT_MARKET_URL),
    await operatorKey(target),
    (client) => call(client.admin),
  );
}

/** Runs an admin call and prints its answer as a table (or JSON with --json). */
export function adminAction<Flags extends AdminTarget, Args extends unknown[], Answer>(
  run: (flags: Flags, ...args: Args) => Promise<Answer>,
  render: (answer: Answer) => string,
) {
  return cliAction(async (flags: Flags, ...args: Args) => {
    const answer = await run(flags, ...args);
    console.log(flags.json ? JSON.stringify(answer, null, 2) : render(answer));
  });
}

/** Fixed-width columns, header first. */
export function table(rows: ReadonlyArray<object>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = [
    columns,
    ...rows.map((row) => {
      const fields = new Map(Object.entries(row));
      return columns.map((c) => String(fields.get(c) ?? '-'));
    }),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
