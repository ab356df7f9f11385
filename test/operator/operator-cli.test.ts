// The operator's command line against a real `agora start` process: accounts, credits and keys through the admin
// API; a kill -9 in the middle of paid traffic leaves an embedded database that opens again with a ledger that
// still matches its usage records; backup and restore of the stopped market; the offline operator-key reset. The
// first two share one `agora start` (each start costs seconds of CPU), the kill last; the others have their own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNanos } from '../../src/domain/money/nanos.ts';
import { postChat } from '../support/chat-request.ts';
import {
  agoraCli,
  startMarketProcess,
  stopMarketProcess,
  type CliResult,
  type MarketProcess,
} from '../support/market-process.ts';
import { fundedBuyer, startTestMarket } from '../support/test-market.ts';

const root = mkdtempSync(join(tmpdir(), 'agora-cli-'));
const running: MarketProcess[] = [];
afterAll(async () => {
  for (const market of running) await stopMarketProcess(market, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<MarketProcess> {
  const market = await startMarketProcess(dataDir);
  running.push(market);
  return market;
}

const get = async <T>(market: { url: string }, path: string, key: string): Promise<T> =>
  (await (await fetch(`${market.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).json()) as T;

type Credits = { balance: string; held: string };
type Usage = { data: Array<{ cost: string }> };

const chat = (market: { url: string }, key: string) =>
  postChat(market.url, key, { max_tokens: 24 }).then(
    (r) => r.text(),
    () => 'connection lost',
  );

const usageCount = async (market: { url: string }, key: string) =>
  (await get<Usage>(market, '/v1/usage?limit=1000', key)).data.length;

/** What the buyer was billed must equal the sum of the usage records: nothing billed without a record, or the reverse. */
async function expectLedgerMatchesUsage(market: { url: string }, key: string, granted: bigint): Promise<bigint> {
  const credits = await get<Credits>(market, '/v1/credits', key);
  const usage = await get<Usage>(market, '/v1/usage?limit=1000', key);
  const billed = usage.data.reduce((sum, r) => sum + parseNanos(r.cost)!, 0n);
  expect(parseNanos(credits.balance)).toBe(granted - billed);
  return parseNanos(credits.balance)!;
}

// Slow end-to-end cases: each spawns `agora start` once or twice, which takes tens of seconds on a busy machine.
describe('the agora command line', { timeout: 120_000 }, () => {
  const dataDir = join(root, 'accounts');
  let market: MarketProcess;
  let target: string[];
  /** What the CLI answered while making alice (2.5 credits) and her key `agent` (daily limit 1) on the market. */
  let made: { created: CliResult; granted: CliResult; issued: CliResult };
  beforeAll(async () => {
    market = await start(dataDir);
    target = ['--market', market.url, '--data-dir', dataDir];
    made = {
      created: await agoraCli(['accounts', 'create', 'Alice', '--id', 'alice', ...target]),
      granted: await agoraCli(['credits', 'grant', 'alice', '2.5', '--idempotency-key', 'invoice-1', ...target]),
      issued: await agoraCli(['keys', 'create', 'alice', '--name', 'agent', '--limit-daily', '1', ...target]),
    };
  });

  it('creates an account, grants credits once per idempotency key and issues a key through the running market', async () => {
    expect(made.created.stdout).toContain('Created account alice');
    expect(made.granted.stdout).toContain('alice now has 2.5 available');
    const again = ['credits', 'grant', 'alice', '2.5', '--idempotency-key', 'invoice-1', ...target];
    expect((await agoraCli(again)).stdout).toContain('nothing added');
    expect(made.issued.stdout).toMatch(/^sk-agora-\S+$/m);
    const list = JSON.parse((await agoraCli(['keys', 'list', '--account', 'alice', '--json', ...target])).stdout) as {
      data: Array<{ name: string; spend_limit_daily: string }>;
    };
    expect(list.data).toEqual([expect.objectContaining({ name: 'agent', spend_limit_daily: '1' })]);
    expect((await agoraCli(['accounts', 'list', ...target])).stdout).toMatch(/alice\s+Alice\s+2\.5\s+0/);

    const refused = await agoraCli(['keys', 'revoke', 'key_missing', ...target]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("404: No key 'key_missing'");
    const offline = await agoraCli(['backup', '--data-dir', dataDir, '--out', join(root, 'never.backup')]);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('stop it first');
  });

  it('reopens the embedded database after a kill -9 during paid traffic, ledger and usage still in step', async () => {
    // Thirteen answers of 24 tokens cost far less than the key's daily limit of 1.
    const buyerKey = /^(sk-agora-\S+)$/m.exec(made.issued.stdout)![1]!;
    await Promise.all(Array.from({ length: 4 }, () => chat(market, buyerKey)));
    // Captures are group-committed a few ms after the response: wait until these four are written.
    await expect.poll(() => usageCount(market, buyerKey)).toBe(4);
    const written = await expectLedgerMatchesUsage(market, buyerKey, 2_500_000_000n);
    const inFlight = Array.from({ length: 8 }, () => chat(market, buyerKey));
    // A moment for the requests to reach the market; whether some have finished by the kill or none, the ledger
    // must match the usage records after it.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await stopMarketProcess(market, 'SIGKILL');
    await Promise.all(inFlight);

    const reopened = await start(dataDir);
    const afterCrash = await expectLedgerMatchesUsage(reopened, buyerKey, 2_500_000_000n);
    expect(afterCrash).toBeLessThanOrEqual(written);
    expect(await get<Credits>(reopened, '/v1/credits', buyerKey)).toMatchObject({ held: '0' });
    const before = await usageCount(reopened, buyerKey);
    expect(await chat(reopened, buyerKey)).toContain('chat.completion');
    await expect.poll(() => usageCount(reopened, buyerKey)).toBe(before + 1);
    expect(await expectLedgerMatchesUsage(reopened, buyerKey, 2_500_000_000n)).toBeLessThan(afterCrash);
    await stopMarketProcess(reopened, 'SIGTERM');
  });

  it('backs up the stopped market and restores it into a new data directory with the same balances and keys', async () => {
    // The market to back up runs in this process (quicker to start); the restored one is `agora start`.
    const dataDir = join(root, 'backed-up');
    const source = await startTestMarket({ dataDir, databaseUrl: undefined });
    const { key: buyerKey } = await fundedBuyer(source, '2.5');
    expect(await chat(source, buyerKey)).toContain('chat.completion');
    await source.flushBilling();
    const balance = await expectLedgerMatchesUsage(source, buyerKey, 2_500_000_000n);
    await source.stop();

    const backup = join(root, 'market.backup');
    const written = await agoraCli(['backup', '--data-dir', dataDir, '--out', backup]);
    expect(written.stdout).toContain('Backup written');
    const restoredDir = join(root, 'restored');
    expect((await agoraCli(['restore', '--data-dir', restoredDir, '--from', backup])).stdout).toContain('Restored');
    const again = await agoraCli(['restore', '--data-dir', restoredDir, '--from', backup]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already in use');

    const restored = await start(restoredDir);
    expect(await expectLedgerMatchesUsage(restored, buyerKey, 2_500_000_000n)).toBe(balance);
    expect(await chat(restored, buyerKey)).toContain('chat.completion');
    await stopMarketProcess(restored, 'SIGTERM');
  });

  it('replaces the operator key offline: the old key stops working, the new one works', async () => {
    const dataDir = join(root, 'reset');
    await (await startTestMarket({ dataDir, databaseUrl: undefined, builtinHosts: 0 })).stop();
    const oldKey = readFileSync(join(dataDir, 'operator.key'), 'utf8').trim();
    const reset = (await agoraCli(['admin', 'reset-key', '--data-dir', dataDir])).stdout;
    expect(reset).toMatch(/New operator key .*: sk-agora-/);
    const newKey = /(sk-agora-\S+)$/m.exec(reset)![1]!;
    const market = await start(dataDir);
    const target = ['--market', market.url];
    expect((await agoraCli(['accounts', 'list', ...target, '--operator-key', newKey])).code).toBe(0);
    const stale = await agoraCli(['accounts', 'list', ...target, '--operator-key', oldKey]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/403: .*revoked/);
  });
});
