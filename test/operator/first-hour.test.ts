// A new user's first hour with the command line: `agora start --hosts 0` prints a key that works; the market leaves
// its address in the data directory and the operator's commands and `agora host` find it there (a flag still wins,
// and an address left by a killed market is named as such); the printed openai example runs outside the repository; and offline
// commands pointed at a place that holds no market refuse it, creating nothing.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openAiExample } from '../../src/cli/commands/start-banner.ts';
import { connectableUrl, marketUrlFile } from '../../src/main/market-url-file.ts';
import { postChat } from '../support/chat-request.ts';
import {
  agoraCli,
  startHostProcess,
  startMarketProcess,
  stopMarketProcess,
  type MarketProcess,
} from '../support/market-process.ts';
import { freshPostgresDatabase, onPostgres, startTestMarket } from '../support/test-market.ts';

const root = mkdtempSync(join(tmpdir(), 'agora-first-hour-'));
const running: MarketProcess[] = [];
afterAll(async () => {
  for (const market of running) await stopMarketProcess(market, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('agora start with no hosts, and the CLI finding it', () => {
  const dataDir = join(root, 'market');

  it('prints a demo key that authenticates, records its address, and the CLI and a new host find the market by its data directory', async () => {
    const market = await startMarketProcess(dataDir, ['--hosts', '0']);
    running.push(market);
    const credits = await fetch(`${market.url}/v1/credits`, { headers: { authorization: `Bearer ${market.apiKey}` } });
    expect(credits.status).toBe(200);
    expect(((await credits.json()) as { balance: string }).balance).toBe('10');
    expect(market.output()).toContain('npm i openai');
    expect(market.output()).toContain('Hosts: none yet');

    expect(readFileSync(marketUrlFile(dataDir), 'utf8').trim()).toBe(market.url);
    const listed = await agoraCli(['accounts', 'list', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^demo\s+Demo buyer\s+10\s+0$/m);

    // A host started beside it joins by the recorded address too, and the printed key buys its first answer.
    const host = await startHostProcess(undefined, join(root, 'host'), 'first host', ['--market-data-dir', dataDir]);
    try {
      expect((await postChat(market.url, market.apiKey, { max_tokens: 8 })).status).toBe(200);
    } finally {
      await new Promise((resolve) => {
        host.child.once('exit', resolve);
        host.child.kill('SIGTERM');
      });
    }

    // An explicit --market wins over the recorded address.
    const elsewhere = await agoraCli(['accounts', 'list', '--data-dir', dataDir, '--market', 'http://127.0.0.1:9']);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('cannot reach the market at http://127.0.0.1:9');
  }, 180_000);

  it('names an address left by a killed market as stale, and the offline ledger check opens the market it left', async () => {
    const market = running.at(-1)!;
    await stopMarketProcess(market, 'SIGKILL');
    const stale = await agoraCli(['accounts', 'list', '--data-dir', dataDir]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`no market running at ${market.url} (from ${marketUrlFile(dataDir)}`);

    const check = await agoraCli(['ledger', 'check', '--data-dir', dataDir]);
    expect(check.stdout).toContain('Ledger OK');
    expect(check.code).toBe(0);
  });
});

describe('the recorded market address', () => {
  it('is written by a started market and removed when it stops cleanly', async () => {
    const market = await startTestMarket({ builtinHosts: 0 });
    const file = marketUrlFile(market.dataDir);
    expect(readFileSync(file, 'utf8').trim()).toBe(market.url);
    await market.close();
    expect(existsSync(file)).toBe(false);
    rmSync(market.dataDir, { recursive: true, force: true });
  });

  it('names loopback for a market listening on every address', () => {
    expect(connectableUrl('http://0.0.0.0:8080')).toBe('http://127.0.0.1:8080');
    expect(connectableUrl('http://[::]:8080')).toBe('http://[::1]:8080');
    expect(connectableUrl('http://127.0.0.1:41234')).toBe('http://127.0.0.1:41234');
  });
});

describe('the printed openai example', () => {
  it('streams an answer from a directory outside the repository once openai is installed there', async () => {
    const market = await startTestMarket();
    try {
      // `npm i openai` in a directory of the user's own: the same package, linked rather than downloaded.
      const userDir = join(root, 'elsewhere');
      mkdirSync(join(userDir, 'node_modules'), { recursive: true });
      symlinkSync(
        join(import.meta.dirname, '..', '..', 'node_modules', 'openai'),
        join(userDir, 'node_modules', 'openai'),
      );
      const { stdout } = await promisify(execFile)('sh', ['-c', openAiExample(`${market.url}/v1`, market.demoKey)], {
        cwd: userDir,
        env: { PATH: process.env.PATH },
      });
      expect(stdout.trim().length).toBeGreaterThan(0);
    } finally {
      await market.stop();
    }
  });
});

describe('offline commands on a place that holds no market', () => {
  const noMarket = /no market in .*: it holds no database/;

  it('refuse a data directory that does not exist, and create nothing', async () => {
    const missing = join(root, 'mistyped');
    const out = join(root, 'never.backup');
    const [check, backup, reset] = await Promise.all([
      agoraCli(['ledger', 'check', '--data-dir', missing]),
      agoraCli(['backup', '--data-dir', missing, '--out', out]),
      agoraCli(['admin', 'reset-key', '--data-dir', missing]),
    ]);
    for (const refused of [check, backup, reset]) {
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(noMarket);
    }
    expect(check.stdout).not.toContain('Ledger OK');
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('refuse an existing directory without a database, leaving it empty', async () => {
    const empty = mkdtempSync(join(root, 'empty-'));
    const check = await agoraCli(['ledger', 'check', '--data-dir', empty]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(noMarket);
    expect(readdirSync(empty)).toEqual([]);
  });

  it.runIf(onPostgres())(
    'refuse a PostgreSQL database without the market schema, creating no table in it',
    async () => {
      const url = await freshPostgresDatabase();
      const dataDir = join(root, 'pg-mistyped');
      const check = await agoraCli(['ledger', 'check', '--database-url', url, '--data-dir', dataDir]);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain('it has no Agora tables');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tables = await client.query(
        "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
      );
      await client.end();
      expect(tables.rows[0]).toEqual({ n: 0 });
      expect(existsSync(dataDir)).toBe(false);

      const mistyped = await agoraCli(['ledger', 'check', '--database-url', `${url}_mistyped`, '--data-dir', dataDir]);
      expect(mistyped.code).toBe(1);
      expect(mistyped.stderr).toMatch(/cannot open the database .*_mistyped: database ".*_mistyped" does not exist/);
    },
  );
});
