// The billing writer against the real database (PGlite, and PostgreSQL on that run): any sequence of leases,
// batched captures (some batches written twice, as after a lost commit acknowledgement), lease shrinks and returns keeps the
// ledger balanced with no negative balance, bills each request exactly once, and keeps the key's spend totals,
// its daily spend and the usage records in step with the ledger.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BillingOperation } from '../../src/app/ports.ts';
import { createKyselyBillingStore } from '../../src/adapters/sql/kysely-billing-store.ts';
import { createKyselyMarketStore } from '../../src/adapters/sql/kysely-market-store.ts';
import { openDatabase, type Database } from '../../src/adapters/sql/open-database.ts';
import { captureTransaction, ledgerAccount } from '../../src/domain/ledger/transaction.ts';
import { DEFAULT_REVENUE_SPLIT } from '../../src/domain/money/nanos.ts';
import { freshPostgresDatabase, onPostgres } from '../support/test-market.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase(onPostgres() ? { url: await freshPostgresDatabase() } : { dataDir: 'memory://' });
  const store = createKyselyMarketStore(database.db);
  await store.upsertModel({
    id: 'm',
    name: 'm',
    contextLength: 1,
    promptPrice: 1n,
    completionPrice: 1n,
    defaultMaxTokens: 1,
    maxTokensCap: 1,
    tokenizerDir: '-',
    digest: '-',
    quantization: '-',
  });
  await store.upsertHost({ id: 'h', name: 'host', baseUrl: 'http://127.0.0.1:1', engineKind: 'builtin' }, 'm', 'm');
});
afterAll(() => database.close());

type Step =
  | { kind: 'lease'; amount: bigint }
  | { kind: 'capture' | 'shrink'; lease: number; percent: number }
  | { kind: 'return'; lease: number }
  | { kind: 'write'; twice: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('lease' as const), amount: fc.bigInt({ min: 1n, max: 400n }) }),
  fc.record({ kind: fc.constant('capture' as const), lease: fc.nat(), percent: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('shrink' as const), lease: fc.nat(), percent: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('return' as const), lease: fc.nat() }),
  fc.record({ kind: fc.constant('write' as const), twice: fc.boolean() }),
);

let run = 0;
describe('billing writer', () => {
  it('keeps the ledger balanced, bills each capture once and keeps spend totals in step', async () => {
    const store = createKyselyMarketStore(database.db);
    const billing = createKyselyBillingStore(database.db);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const account = `acct${++run}`;
        const keyId = `key${run}`;
        await store.createAccount(account, account);
        await store.insertKey(
          {
            id: keyId,
            accountId: account,
            parentKeyId: null,
            name: 'k',
            prefix: `p${run}`,
            hash: `h${run}`,
            role: 'buyer',
            canCreateKeys: true,
            models: null,
            spendLimitTotal: null,
            spendLimitDaily: null,
            expiresAtMs: null,
            rateLimitRpm: null,
            rateLimitTpm: null,
            providerPreferences: null,
          },
          1,
        );
        await store.grantCredits(account, 1_000n, `grant${run}`);

        const leases: Array<{ id: string; left: bigint; returned: boolean }> = [];
        let queue: BillingOperation[] = [];
        let captured = 0n;
        let requests = 0;
        let shrinks = 0;
        const flush = async (twice: boolean) => {
          await billing.write(queue);
          if (twice) await billing.write(queue);
          queue = [];
        };
        for (const s of steps) {
          const open = leases.filter((l) => !l.returned);
          if (s.kind === 'lease') {
            const id = `lease${run}-${leases.length}`;
            const outcome = await billing.acquire({
              leaseId: id,
              keyId,
              accountId: account,
              instanceId: 'i',
              needNanos: 1n,
              chunkNanos: s.amount,
              expiresAtMs: Date.now() + 60_000,
              nowMs: Date.now(),
            });
            if (outcome.ok) leases.push({ id, left: outcome.amount, returned: false });
          } else if (s.kind === 'capture' && open.length > 0) {
            const lease = open[s.lease % open.length]!;
            const cost = (lease.left * BigInt(s.percent)) / 100n;
            const requestId = `req${run}-${requests++}`;
            lease.left -= cost;
            captured += cost;
            queue.push({
              type: 'capture',
              leaseId: lease.id,
              keyId,
              day: '2026-11-23',
              transaction: captureTransaction(requestId, account, 'h', cost, DEFAULT_REVENUE_SPLIT),
              usage: {
                requestId,
                accountId: account,
                keyId,
                keyPrefix: `p${run}`,
                modelId: 'm',
                hostId: 'h',
                promptTokens: 1,
                completionTokens: 1,
                cachedTokens: 0,
                reasoningTokens: 0,
                promptPrice: 1n,
                completionPrice: 1n,
                cachedPromptPrice: 0n,
                reasoningPrice: 1n,
                cost,
                status: 'ok',
                attempts: 1,
                hedged: false,
                receipt: null,
              },
            });
          } else if (s.kind === 'shrink' && open.length > 0) {
            const lease = open[s.lease % open.length]!;
            const amount = (lease.left * BigInt(s.percent)) / 100n;
            lease.left -= amount;
            queue.push({ type: 'shrink-lease', id: `shrink${run}-${shrinks++}`, leaseId: lease.id, amount });
          } else if (s.kind === 'return' && open.length > 0) {
            const lease = open[s.lease % open.length]!;
            lease.returned = true;
            queue.push({ type: 'return-lease', leaseId: lease.id });
          } else if (s.kind === 'write') await flush(s.twice);
        }
        await flush(false);

        const totals = await store.ledgerTotals();
        expect(totals).toEqual({ sum: 0n, negativeAccounts: [] });
        const balances = await store.balances(account);
        expect(balances.credits + balances.holds).toBe(1_000n - captured);
        expect(balances.holds).toBe(leases.filter((l) => !l.returned).reduce((sum, l) => sum + l.left, 0n));
        expect(await store.balanceOf(ledgerAccount.holds(account))).toBe(balances.holds);
        const key = (await store.listKeys({ accountId: account }))[0]!;
        expect(key.spentTotal).toBe(captured);
        const { rows } = await sql<{ spent: string | null; records: string }>`
          select (select sum(spent) from key_daily_spend where key_id = ${keyId})::text as spent,
                 (select count(*) from usage_records where key_id = ${keyId})::text as records`.execute(database.db);
        expect(BigInt(rows[0]!.spent ?? 0)).toBe(captured);
        expect(Number(rows[0]!.records)).toBe(requests);
      }),
      { numRuns: 25 },
    );
  });
});
