// The operator's CLI talks to a running market through its admin API — never by opening the database of a
// running market. Where the market is and which key to use come from flags, then the environment, then the
// data directory's operator.key file.
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readSecretFile } from '../../adapters/keys/secret-files.ts';
import { cliAction, CliError } from './cli-action.ts';

export type AdminTarget = { market: string; operatorKey?: string; dataDir: string; json?: boolean };

/** Adds the flags every admin command shares. */
export function withAdminTarget(command: Command): Command {
  return command
    .option('--market <url>', 'the running market (env AGORA_MARKET_URL)', process.env.AGORA_MARKET_URL ?? 'http://127.0.0.1:8080')
    .option('--operator-key <key>', 'operator key (env AGORA_OPERATOR_KEY; default: <data-dir>/operator.key)', process.env.AGORA_OPERATOR_KEY)
    .option('--data-dir <dir>', 'where the operator key file is (env AGORA_DATA_DIR)', process.env.AGORA_DATA_DIR ?? '.agora')
    .option('--json', 'print the raw JSON answer');
}

async function operatorKey(target: AdminTarget): Promise<string> {
  const key = target.operatorKey ?? (await readSecretFile(join(resolve(target.dataDir), 'operator.key')));
  if (!key) throw new CliError(`no operator key: pass --operator-key, set AGORA_OPERATOR_KEY, or point --data-dir at the market's data directory`);
  return key;
}

/** One call to a running market with a bearer token; a refusal or an unreachable market is a CliError. */
export async function callMarket<T>(market: string, token: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${market.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new CliError(`cannot reach the market at ${market} (${(error as Error & { cause?: Error }).cause?.message ?? String(error)}); is \`agora start\` running?`);
  }
  const answer = (await response.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!response.ok) throw new CliError(`${response.status}: ${answer.error?.message ?? response.statusText}`);
  return answer;
}

export async function callAdmin<T>(target: AdminTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return callMarket<T>(target.market, await operatorKey(target), method, path, body);
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
  const cells = [columns, ...rows.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? '-' : String(row[c]))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
