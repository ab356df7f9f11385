// The operator's CLI talks to a running market through its admin API — never by opening the database of a
// running market. Where the market is and which key to use come from flags, then the environment, then the
// data directory's market.url and operator.key files.
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readSecretFile } from '../../adapters/keys/secret-files.ts';
import { locateMarket, type MarketLocation } from '../../main/market-url-file.ts';
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

/** One call to a running market with a bearer token; a refusal or an unreachable market is a CliError. */
export async function callMarket<T>(
  market: MarketLocation,
  token: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${market.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const why = (error as Error & { cause?: Error }).cause?.message ?? String(error);
    // A market.url left by a market that was killed names an address nothing answers any more.
    if (market.file)
      throw new CliError(
        `no market running at ${market.url} (from ${market.file}: ${why}); start it with \`agora start\`, or pass --market`,
      );
    throw new CliError(`cannot reach the market at ${market.url} (${why}); is \`agora start\` running?`);
  }
  const answer = (await response.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!response.ok) throw new CliError(`${response.status}: ${answer.error?.message ?? response.statusText}`);
  return answer;
}

export async function callAdmin<T>(
  target: AdminTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  return callMarket<T>(
    await locateMarket(target.market, target.dataDir, DEFAULT_MARKET_URL),
    await operatorKey(target),
    method,
    path,
    body,
  );
}

/** Runs an admin call and prints its answer as a table (or JSON with --json). */
export function adminAction<Flags extends AdminTarget, Args extends unknown[]>(
  run: (flags: Flags, ...args: Args) => Promise<unknown>,
  render: (answer: never) => string,
) {
  return cliAction(async (flags: Flags, ...args: Args) => {
    const answer = await run(flags, ...args);
    console.log(flags.json ? JSON.stringify(answer, null, 2) : render(answer as never));
  });
}

/** Fixed-width columns, header first. */
export function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = [
    columns,
    ...rows.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? '-' : String(row[c])))),
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
